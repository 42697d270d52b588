using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Moves a secret from a <see cref="SecureString"/> into Rust without ever making it a managed
/// string (which the GC may copy and never clears). The UTF-16 and UTF-8 buffers are native
/// memory and are zeroed before they are freed; Rust zeroes its copy when the session ends.
/// </summary>
internal static class SecretUtf8
{
    public static unsafe Utf8String FromSecureString(SecureString secret)
    {
        IntPtr utf16 = Marshal.SecureStringToGlobalAllocUnicode(secret);
        byte* utf8 = null;
        int byteCount = 0;
        try
        {
            char* chars = (char*)utf16;
            byteCount = Encoding.UTF8.GetByteCount(chars, secret.Length);
            utf8 = (byte*)NativeMemory.Alloc((nuint)Math.Max(byteCount, 1));
            Encoding.UTF8.GetBytes(chars, secret.Length, utf8, byteCount);
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

            Marshal.ZeroFreeGlobalAllocUnicode(utf16);
        }
    }
}
