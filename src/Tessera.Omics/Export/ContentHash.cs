using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Omics.Export;

/// <summary>
/// The content hash of an export: SHA-256 over, for each peptide in export order, its id in UTF-8, a zero byte,
/// its sequence in UTF-8, a zero byte, then its embedding as little-endian float32. It covers exactly the data, so
/// any client can recompute it without reproducing our JSON formatting (see docs/omics-token-v1.md).
/// </summary>
internal sealed class ContentHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(string id, string sequence, ReadOnlySpan<float> embedding)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(id));
        _hash.AppendData([0]);
        _hash.AppendData(Encoding.UTF8.GetBytes(sequence));
        _hash.AppendData([0]);
        Span<byte> value = stackalloc byte[4];
        foreach (var x in embedding)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, x);
            _hash.AppendData(value);
        }
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
