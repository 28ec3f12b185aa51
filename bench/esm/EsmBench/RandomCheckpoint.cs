using System.Text.Json;
using Tessera.Inference.SafeTensors;
using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Bench;

/// <summary>Writes a random-weight ESM-2 checkpoint in the HF EsmForMaskedLM layout (config.json, vocab.txt, model.safetensors).</summary>
internal static class RandomCheckpoint
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string directory, int layers, int hidden, int heads, int intermediate, int seed)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var tensors = new List<SafeTensorToWrite>();
        void Add(string name, float[] values, params int[] shape) => tensors.Add(new SafeTensorToWrite("esm." + name, values, shape));
        float[] Normal(int count, double std, double mean = 0)
        {
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                // Box–Muller: a seeded normal without extra packages.
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                values[i] = (float)(mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return values;
        }
        var vocabulary = EsmAlphabet.Tokens.Count;
        Add("embeddings.word_embeddings.weight", Normal(vocabulary * hidden, 1.0), vocabulary, hidden);
        var headDimension = hidden / heads;
        var inverseFrequencies = new float[headDimension / 2];
        for (var i = 0; i < inverseFrequencies.Length; i++) inverseFrequencies[i] = 1f / MathF.Pow(10000f, 2f * i / headDimension);
        var linearStd = 1.0 / Math.Sqrt(hidden);
        for (var l = 0; l < layers; l++)
        {
            var p = $"encoder.layer.{l}.";
            foreach (var projection in new[] { "query", "key", "value" })
            {
                Add(p + $"attention.self.{projection}.weight", Normal(hidden * hidden, linearStd), hidden, hidden);
                Add(p + $"attention.self.{projection}.bias", Normal(hidden, 0.02), hidden);
            }
            Add(p + "attention.self.rotary_embeddings.inv_freq", inverseFrequencies, inverseFrequencies.Length);
            Add(p + "attention.output.dense.weight", Normal(hidden * hidden, linearStd), hidden, hidden);
            Add(p + "attention.output.dense.bias", Normal(hidden, 0.02), hidden);
            Add(p + "attention.LayerNorm.weight", Normal(hidden, 0.1, 1.0), hidden);
            Add(p + "attention.LayerNorm.bias", Normal(hidden, 0.02), hidden);
            Add(p + "intermediate.dense.weight", Normal(intermediate * hidden, linearStd), intermediate, hidden);
            Add(p + "intermediate.dense.bias", Normal(intermediate, 0.02), intermediate);
            Add(p + "output.dense.weight", Normal(hidden * intermediate, 1.0 / Math.Sqrt(intermediate)), hidden, intermediate);
            Add(p + "output.dense.bias", Normal(hidden, 0.02), hidden);
            Add(p + "LayerNorm.weight", Normal(hidden, 0.1, 1.0), hidden);
            Add(p + "LayerNorm.bias", Normal(hidden, 0.02), hidden);
        }
        Add("encoder.emb_layer_norm_after.weight", Normal(hidden, 0.1, 1.0), hidden);
        Add("encoder.emb_layer_norm_after.bias", Normal(hidden, 0.02), hidden);
        SafeTensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var config = new Dictionary<string, object>
        {
            ["architectures"] = new[] { "EsmForMaskedLM" },
            ["model_type"] = "esm",
            ["hidden_size"] = hidden,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["intermediate_size"] = intermediate,
            ["vocab_size"] = vocabulary,
            ["max_position_embeddings"] = 1026,
            ["layer_norm_eps"] = 1e-5,
            ["position_embedding_type"] = "rotary",
            ["emb_layer_norm_before"] = false,
            ["token_dropout"] = true,
            ["mask_token_id"] = EsmAlphabet.MaskId,
            ["pad_token_id"] = EsmAlphabet.PadId,
            ["hidden_act"] = "gelu",
        };
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(config, Indented));
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), EsmAlphabet.Tokens);
    }
}
