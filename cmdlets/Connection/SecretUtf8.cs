using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Moves a secret into Rust without making another managed copy of it (the GC may copy managed
/// strings and never clears them). The UTF-16 and UTF-8 buffers are native memory and are zeroed
/// before they are freed; Rust copies the bytes into a zeroed-on-drop buffer and zeroes the
/// string it was handed.
/// </summary>
internal static class SecretUtf8
{
    public static unsafe Utf8String FromSecureString(SecureString secret)
    {
        IntPtr utf16 = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            return FromChars(new ReadOnlySpan<char>((char*)utf16, secret.Length));
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(utf16);
        }
    }

    /// <summary>
    /// A secret that is already a managed string (an environment variable such as
    /// AZURE_CLIENT_SECRET or IDENTITY_HEADER): no further managed copy is made.
    /// </summary>
    public static unsafe Utf8String FromChars(ReadOnlySpan<char> chars)
    {
        byte* utf8 = null;
        int byteCount = 0;
        try
        {
            byteCount = Encoding.UTF8.GetByteCount(chars);
            utf8 = (byte*)NativeMemory.Alloc((nuint)Math.Max(byteCount, 1));
            Encoding.UTF8.GetBytes(chars, new Span<byte>(utf8, byteCount));
#pragma warning disable CS0618 // the generated "for generated code only" helpers are the only way to hand Rust a buffer we own.
            Utf8String.InteropHelper.interoptopus_string_create((IntPtr)utf8, (ulong)byteCount, out var native);
            return native.IntoManaged();
#pragma warning restore CS0618
        }
        finally
        {
            if (utf8 is not null)
            {
                NativeMemory.Clear(utf8, (nuint)byteCount);
                NativeMemory.Free(utf8);
            }
        }
    }
}
