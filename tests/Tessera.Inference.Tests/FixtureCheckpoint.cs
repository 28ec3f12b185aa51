using Tessera.Inference.SafeTensors;

namespace Tessera.Inference.Tests;

/// <summary>Copies of the esm2-tiny checkpoint with the tensors rewritten: other dtypes, a wrong shape, a missing tensor.</summary>
internal static class FixtureCheckpoint
{
    /// <summary>
    /// Writes config.json, vocab.txt and a model.safetensors whose float tensors pass through
    /// <paramref name="transform"/> (return null to drop one). Integer tensors (position_ids) are left out: the loader ignores them.
    /// </summary>
    public static void Write(string directory, Func<string, float[], int[], SafeTensorToWrite?> transform)
    {
        foreach (var file in new[] { "config.json", "vocab.txt", "special_tokens_map.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(Fixtures.EsmTiny, file), Path.Combine(directory, file));
        var tensors = new List<SafeTensorToWrite>();
        using (var source = SafeTensorsFile.Open(Path.Combine(Fixtures.EsmTiny, "model.safetensors")))
        {
            foreach (var info in source.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                if (info.DType == SafeTensorDType.I64) continue;
                var rewritten = transform(info.Name, source.ReadFloat32(info.Name, info.Shape), info.Shape);
                if (rewritten is not null) tensors.Add(rewritten);
            }
        }
        SafeTensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors);
    }

    public static float RoundToBFloat16(float value) => BitConverter.Int32BitsToSingle(SafeTensorsWriter.ToBFloat16Bits(value) << 16);

    public static float RoundToHalf(float value) => (float)(Half)value;
}
