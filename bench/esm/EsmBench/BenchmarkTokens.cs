namespace Tessera.Inference.Bench;

/// <summary>
/// The benchmark's inputs, defined by a formula both this program and torch_esm.py compute:
/// token[b][1 + i] = 4 + (131·b + 17·i + 7) mod 20 (the 20 standard residues), with BOS/EOS.
/// </summary>
internal static class BenchmarkTokens
{
    public static int[][] Batch(int batch, int length)
    {
        var result = new int[batch][];
        for (var b = 0; b < batch; b++)
        {
            var tokens = new int[length + 2];
            tokens[0] = 0;
            for (var i = 0; i < length; i++) tokens[1 + i] = 4 + (131 * b + 17 * i + 7) % 20;
            tokens[^1] = 2;
            result[b] = tokens;
        }
        return result;
    }
}
