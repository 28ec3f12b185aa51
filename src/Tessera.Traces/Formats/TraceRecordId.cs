using System.Security.Cryptography;
using System.Text;

namespace Tessera.Traces.Formats;

/// <summary>
/// A record's id as the seed defines it: lower-case hex sha256 of <c>filename:iteration:idx_in_iteration</c>, where
/// the file name is the path relative to the source's folder ('/'-separated), so the many <c>messages.jsonl</c> of
/// one smolagents folder don't collide.
/// </summary>
internal static class TraceRecordId
{
    public static string For(string relativePath, int iteration, int idxInIteration) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{relativePath}:{iteration}:{idxInIteration}")));
}
