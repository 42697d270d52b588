using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Finds the certificate Connect-Entra signs in with (the CurrentUser\My store, or a PEM/PFX
/// file for -EnvironmentVariable) and hands its private key to Rust as PKCS#8 exported straight
/// into native memory, which is zeroed and freed as soon as Rust has its copy: the key never
/// becomes a managed array.
/// </summary>
internal static class CertificateSource
{
    /// <summary>By thumbprint (hex, spaces ignored) from CurrentUser\My; null when absent.</summary>
    public static X509Certificate2? FindByThumbprint(string thumbprint)
    {
        string wanted = new string(thumbprint.Where(char.IsLetterOrDigit).ToArray());
        return FromStore(certificates => certificates.Find(X509FindType.FindByThumbprint, wanted, validOnly: false).FirstOrDefault());
    }

    /// <summary>
    /// By subject ("CN=app" or "app") from CurrentUser\My: among the matches with a private key,
    /// the one issued last (as Connect-MgGraph picks).
    /// </summary>
    public static X509Certificate2? FindBySubjectName(string subjectName)
    {
        string wanted = subjectName.Trim();
        bool Matches(X509Certificate2 c) =>
            string.Equals(c.Subject, wanted, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(c.Subject, "CN=" + wanted, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(c.GetNameInfo(X509NameType.SimpleName, forIssuer: false), wanted, StringComparison.OrdinalIgnoreCase);
        return FromStore(certificates => certificates.Where(c => c.HasPrivateKey && Matches(c)).OrderByDescending(c => c.NotBefore).FirstOrDefault());
    }

    private static X509Certificate2? FromStore(Func<X509Certificate2Collection, X509Certificate2?> pick)
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (CryptographicException)
        {
            return null; // no store yet: nothing in it
        }

        X509Certificate2Collection all = store.Certificates;
        X509Certificate2? chosen = pick(all);
        foreach (X509Certificate2 certificate in all)
        {
            if (!ReferenceEquals(certificate, chosen))
            {
                certificate.Dispose();
            }
        }

        return chosen;
    }

    /// <summary>AZURE_CLIENT_CERTIFICATE_PATH: a PEM file (certificate and key) or a PFX.</summary>
    public static X509Certificate2 LoadFile(string path, string? password)
    {
        string text = File.ReadAllText(path);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(path)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password);
        }

        // net8: the constructor is the PKCS#12 loader (X509CertificateLoader comes with .NET 9).
        return new X509Certificate2(path, password, X509KeyStorageFlags.Exportable);
    }

    /// <summary>
    /// Calls <paramref name="use"/> with the certificate's RSA private key as PKCS#8 in native
    /// memory (zeroed and freed afterwards) and its DER encoding.
    /// </summary>
    public static unsafe T WithPrivateKey<T>(X509Certificate2 certificate, Func<SliceByte, SliceByte, T> use)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new CertificateUnusableException($"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key here; Connect-Entra needs it to sign the client assertion.");
        }

        using RSA rsa = certificate.GetRSAPrivateKey()
            ?? throw new CertificateUnusableException($"The certificate '{certificate.Subject}' ({certificate.Thumbprint}) does not have an RSA key; Entra accepts RSA certificates for client assertions.");
        int size = 4096;
        while (true)
        {
            byte* buffer = (byte*)NativeMemory.Alloc((nuint)size);
            try
            {
                bool exported;
                int written;
                try
                {
                    exported = rsa.TryExportPkcs8PrivateKey(new Span<byte>(buffer, size), out written);
                }
                catch (CryptographicException e)
                {
                    throw new CertificateUnusableException($"The private key of certificate '{certificate.Subject}' ({certificate.Thumbprint}) cannot be exported, so it cannot be handed to the module's signer: {e.Message} Import the certificate with an exportable key.");
                }

                if (exported)
                {
                    byte[] der = certificate.RawData;
                    fixed (byte* derPointer = der)
                    {
                        return use(SliceByte.From((IntPtr)buffer, (ulong)written), SliceByte.From((IntPtr)derPointer, (ulong)der.Length));
                    }
                }
            }
            finally
            {
                NativeMemory.Clear(buffer, (nuint)size);
                NativeMemory.Free(buffer);
            }

            size *= 2;
            if (size > 1 << 20)
            {
                throw new CertificateUnusableException("The certificate's private key could not be exported.");
            }
        }
    }
}

/// <summary>A certificate that cannot sign an assertion here (no key, not RSA, not exportable).</summary>
internal sealed class CertificateUnusableException : Exception
{
    public CertificateUnusableException(string message) : base(message) { }
}
