using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Microsoft.Graph.Entra.Rs.Connection;

/// <summary>
/// Finds the certificate Connect-Entra signs in with (the CurrentUser\My store, or a PEM/PFX
/// file for -EnvironmentVariable). Its key signs through <see cref="CertificateSigner"/> and is
/// never exported.
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
        // Not Exportable: the key signs where it was loaded and is never exported.
        return new X509Certificate2(path, password);
    }
}

/// <summary>A certificate that cannot sign an assertion here (no private key, not RSA).</summary>
internal sealed class CertificateUnusableException : Exception
{
    public CertificateUnusableException(string message) : base(message) { }
}
