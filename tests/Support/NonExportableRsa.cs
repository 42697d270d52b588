using System;
using System.Security.Cryptography;
using System.Threading;

namespace EntraRsTests;

/// <summary>
/// Stands in for a key that signs but cannot leave its store (CNG with export policy none, a
/// smart card, a TPM): every private-key export throws, as those keys do. Signs with a key it
/// holds inside, counts signatures and export attempts, and can be told to refuse signing.
/// </summary>
public sealed class NonExportableRsa : RSA
{
    private readonly RSA inner;
    private int signatures;
    private int exportAttempts;

    public NonExportableRsa(RSA inner)
    {
        this.inner = inner;
        KeySizeValue = inner.KeySize;
        LegalKeySizesValue = new[] { new KeySizes(inner.KeySize, inner.KeySize, 0) };
    }

    public int Signatures => Volatile.Read(ref signatures);
    public int ExportAttempts => Volatile.Read(ref exportAttempts);

    /// <summary>When set, signing throws a CryptographicException with this message (a card removed, a locked key).</summary>
    public string Refusal { get; set; }

    public override RSAParameters ExportParameters(bool includePrivateParameters)
    {
        if (includePrivateParameters)
        {
            throw Refused();
        }
        return inner.ExportParameters(false);
    }

    public override byte[] ExportPkcs8PrivateKey() => throw Refused();
    public override bool TryExportPkcs8PrivateKey(Span<byte> destination, out int bytesWritten) => throw Refused();
    public override byte[] ExportRSAPrivateKey() => throw Refused();
    public override bool TryExportRSAPrivateKey(Span<byte> destination, out int bytesWritten) => throw Refused();
    public override void ImportParameters(RSAParameters parameters) => throw new NotSupportedException("The stand-in key cannot be replaced.");

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        if (!string.IsNullOrEmpty(Refusal))
        {
            throw new CryptographicException(Refusal);
        }
        Interlocked.Increment(ref signatures);
        return inner.SignHash(hash, hashAlgorithm, padding);
    }

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        inner.VerifyHash(hash, signature, hashAlgorithm, padding);

    private CryptographicException Refused()
    {
        Interlocked.Increment(ref exportAttempts);
        return new CryptographicException("The requested operation is not supported: the key is not exportable.");
    }
}
