namespace Tessera.Testing;

/// <summary>
/// Writes a whisper.cpp ggml model with random weights and tiny dimensions (no real Whisper weights can be had
/// here): the layout of whisper.cpp's <c>whisper_model_load</c>, written independently of Tessera's validator so the
/// two check each other. It transcribes nothing sensible, but the native library loads and runs it.
/// </summary>
public static class TinyWhisperModel
{
    public const uint Magic = 0x67676d6c;
    public const int State = 64;
    public const int Heads = 2;
    public const int Layers = 1;
    public const int Vocabulary = 51864;
    public const int AudioContext = 1500;
    public const int TextContext = 448;
    public const int Mels = 80;

    // ggml's tensor types and whisper's file types.
    private const int F32 = 0;
    private const int F16 = 1;

    /// <summary>What to get wrong, for the validator's tests.</summary>
    public sealed record Flaws
    {
        public uint Magic { get; init; } = TinyWhisperModel.Magic;

        /// <summary>1: f16 (big matrices in f16); 0: all f32.</summary>
        public int FileType { get; init; } = F16;

        public bool SpaceToken { get; init; } = true;

        /// <summary>Bytes cut off the end of the file.</summary>
        public int Truncate { get; init; }

        /// <summary>A tensor whisper.cpp does not know, added at the end.</summary>
        public string? ExtraTensor { get; init; }
    }

    /// <summary>A file whisper.cpp loads, or with <paramref name="flaws"/> one it should refuse; returns its path.</summary>
    public static string Write(string path, int seed = 1, Flaws? flaws = null)
    {
        flaws ??= new Flaws();
        var random = new Random(seed);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(flaws.Magic);
            foreach (var value in new[] { Vocabulary, AudioContext, State, Heads, Layers, TextContext, State, Heads, Layers, Mels, flaws.FileType })
                writer.Write(value);
            // Mel filters: n_mel × n_fft (201) floats.
            writer.Write(Mels);
            writer.Write(201);
            for (var i = 0; i < Mels * 201; i++) writer.Write((float)(random.NextDouble() * 0.01));
            // The vocabulary: the file may hold fewer words than n_vocab (whisper.cpp names the rest itself).
            var words = Words(flaws.SpaceToken);
            writer.Write(words.Count);
            foreach (var word in words)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(word);
                writer.Write((uint)bytes.Length);
                writer.Write(bytes);
            }
            var matrix = flaws.FileType == F16 ? F16 : F32;
            foreach (var (name, dims, type) in Tensors(matrix))
                WriteTensor(writer, name, dims, type, random);
            if (flaws.ExtraTensor is not null) WriteTensor(writer, flaws.ExtraTensor, [State], F32, random);
        }
        if (flaws.Truncate > 0)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(stream.Length - flaws.Truncate);
        }
        return path;
    }

    private static List<string> Words(bool space)
    {
        // Every ordinary token up to <|endoftext|> (50256), so whatever the random weights pick reads as a word.
        var words = new List<string>();
        if (space) words.Add(" ");
        for (var c = 'a'; c <= 'z'; c++) words.Add(c.ToString());
        for (var i = 0; words.Count < 50256; i++) words.Add(" w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return words;
    }

    private static IEnumerable<(string Name, int[] Dims, int Type)> Tensors(int matrix)
    {
        const int s = State;
        yield return ("encoder.positional_embedding", [s, AudioContext], F32);
        yield return ("encoder.conv1.weight", [3, Mels, s], matrix);
        yield return ("encoder.conv1.bias", [1, s], F32);
        yield return ("encoder.conv2.weight", [3, s, s], matrix);
        yield return ("encoder.conv2.bias", [1, s], F32);
        yield return ("encoder.ln_post.weight", [s], F32);
        yield return ("encoder.ln_post.bias", [s], F32);
        for (var i = 0; i < Layers; i++)
            foreach (var t in Block($"encoder.blocks.{i}.", "attn", matrix)) yield return t;
        yield return ("decoder.positional_embedding", [s, TextContext], F32);
        yield return ("decoder.token_embedding.weight", [s, Vocabulary], matrix);
        yield return ("decoder.ln.weight", [s], F32);
        yield return ("decoder.ln.bias", [s], F32);
        for (var i = 0; i < Layers; i++)
        {
            foreach (var t in Block($"decoder.blocks.{i}.", "attn", matrix)) yield return t;
            foreach (var t in Attention($"decoder.blocks.{i}.", "cross_attn", matrix)) yield return t;
        }
    }

    private static IEnumerable<(string, int[], int)> Block(string prefix, string attention, int matrix)
    {
        const int s = State;
        yield return (prefix + "mlp_ln.weight", [s], F32);
        yield return (prefix + "mlp_ln.bias", [s], F32);
        yield return (prefix + "mlp.0.weight", [s, 4 * s], matrix);
        yield return (prefix + "mlp.0.bias", [4 * s], F32);
        yield return (prefix + "mlp.2.weight", [4 * s, s], matrix);
        yield return (prefix + "mlp.2.bias", [s], F32);
        foreach (var t in Attention(prefix, attention, matrix)) yield return t;
    }

    private static IEnumerable<(string, int[], int)> Attention(string prefix, string attention, int matrix)
    {
        const int s = State;
        yield return (prefix + attention + "_ln.weight", [s], F32);
        yield return (prefix + attention + "_ln.bias", [s], F32);
        yield return (prefix + attention + ".query.weight", [s, s], matrix);
        yield return (prefix + attention + ".query.bias", [s], F32);
        yield return (prefix + attention + ".key.weight", [s, s], matrix);
        yield return (prefix + attention + ".value.weight", [s, s], matrix);
        yield return (prefix + attention + ".value.bias", [s], F32);
        yield return (prefix + attention + ".out.weight", [s, s], matrix);
        yield return (prefix + attention + ".out.bias", [s], F32);
    }

    private static void WriteTensor(BinaryWriter writer, string name, int[] dims, int type, Random random)
    {
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        writer.Write(dims.Length);
        writer.Write(nameBytes.Length);
        writer.Write(type);
        foreach (var d in dims) writer.Write(d);
        writer.Write(nameBytes);
        var count = dims.Aggregate(1L, (a, d) => a * d);
        // Layer-norm gains of one keep activations in range; everything else small noise.
        var gain = name.EndsWith("ln.weight", StringComparison.Ordinal) || name.EndsWith("ln_post.weight", StringComparison.Ordinal);
        for (long i = 0; i < count; i++)
        {
            var value = gain ? 1f : (float)((random.NextDouble() - 0.5) * 0.04);
            if (type == F16) writer.Write((Half)value);
            else writer.Write(value);
        }
    }
}
