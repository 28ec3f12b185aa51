using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Tessera.Inference.Whisper;

/// <summary>What a valid model file holds.</summary>
internal sealed record WhisperModelSummary(WhisperHyperparameters Hyperparameters, long Bytes, int VocabularyWords, int Tensors);

/// <summary>
/// Checks a whisper.cpp ggml model file in C#, before the native library ever sees it: whisper.cpp aborts the whole
/// process (not an error it returns) on some files it accepts at load time, e.g. an f32 model (a <c>GGML_ASSERT</c> in
/// the convolution) or a vocabulary without the <c>" "</c> token (an uncaught <c>std::out_of_range</c>), both only
/// once it transcribes; what it does refuse (a truncated file, an unknown tensor) it finds only after reading it.
/// The layout, as <c>whisper_model_load</c> reads it (little-endian):
/// <list type="number">
/// <item>the magic <c>0x67676d6c</c> ("ggml"), then eleven int32 hyperparameters (<see cref="WhisperHyperparameters"/>);</item>
/// <item>the mel filters: int32 n_mel, int32 n_fft, then n_mel × n_fft float32;</item>
/// <item>the vocabulary: int32 count, then per word a uint32 byte length and its bytes;</item>
/// <item>tensors to the end of the file: int32 n_dims, int32 name length, int32 type, n_dims int32 dimensions, the
/// name, then the data.</item>
/// </list>
/// Only f16 models are accepted: the one type tried here end to end (quantized files have other block layouts).
/// </summary>
internal static class WhisperModelFile
{
    public const uint Magic = 0x67676d6c;
    public const int F16FileType = 1;

    // ggml-era files may carry a quantization version × 1000 in the file type.
    private const int QuantizationVersionFactor = 1000;

    // whisper.cpp's mel code reads n_fft = 1 + 400/2 filter columns whatever the file says.
    private const int FilterColumns = 201;

    private const int MaxNameBytes = 256;
    private const int MaxWordBytes = 1024;

    /// <summary>The file's summary, or an <see cref="InvalidDataException"/> saying what is wrong with it.</summary>
    public static WhisperModelSummary Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new Reader(stream, Path.GetFileName(path));
        if (reader.UInt32("the magic") != Magic)
            throw reader.Invalid("it does not start with the ggml magic 0x67676d6c: it is no whisper.cpp ggml model (a GGUF, safetensors or PyTorch file must be converted first)");
        var h = Hyperparameters(reader);
        CheckFilters(reader, h);
        var words = CheckVocabulary(reader, h);
        var tensors = CheckTensors(reader, h);
        return new WhisperModelSummary(h, stream.Length, words, tensors);
    }

    private static WhisperHyperparameters Hyperparameters(Reader reader)
    {
        var h = new WhisperHyperparameters(
            reader.Int32("n_vocab"), reader.Int32("n_audio_ctx"), reader.Int32("n_audio_state"), reader.Int32("n_audio_head"), reader.Int32("n_audio_layer"),
            reader.Int32("n_text_ctx"), reader.Int32("n_text_state"), reader.Int32("n_text_head"), reader.Int32("n_text_layer"), reader.Int32("n_mels"),
            reader.Int32("ftype"));
        var fileType = h.FileType % QuantizationVersionFactor;
        if (fileType != F16FileType)
            throw reader.Invalid($"its weights are {FileTypeName(fileType)} (ftype {h.FileType}); only f16 models are supported (whisper.cpp aborts the process on f32 ones, and quantized ones are untried): use an f16 ggml file such as ggml-base.en.bin");
        // The special tokens sit at fixed ids up to 51864 (English) or 51865+ (multilingual): a smaller vocabulary
        // would have whisper.cpp write logits past the end of its buffers.
        if (h.Vocabulary is < 51864 or > 51866) throw reader.Invalid($"n_vocab is {h.Vocabulary}; Whisper models have 51864 (English), 51865 or 51866 (multilingual)");
        if (h.AudioContext != 1500 || h.TextContext != 448)
            throw reader.Invalid($"n_audio_ctx is {h.AudioContext} and n_text_ctx {h.TextContext}; whisper.cpp decodes 30 s windows and needs 1500 and 448");
        if (h.Mels is not (80 or 128)) throw reader.Invalid($"n_mels is {h.Mels}; Whisper uses 80 (128 for large-v3)");
        if (h.AudioState <= 0 || h.TextState != h.AudioState)
            throw reader.Invalid($"n_audio_state ({h.AudioState}) and n_text_state ({h.TextState}) must be the same positive width");
        if (h.AudioHeads <= 0 || h.TextHeads <= 0 || h.AudioState % h.AudioHeads != 0 || h.TextState % h.TextHeads != 0)
            throw reader.Invalid($"the widths ({h.AudioState}) do not split into {h.AudioHeads} audio and {h.TextHeads} text heads");
        if (h.AudioLayers is < 1 or > 64 || h.TextLayers is < 1 or > 64)
            throw reader.Invalid($"it has {h.AudioLayers} audio and {h.TextLayers} text layers; each must be 1 to 64");
        return h;
    }

    private static string FileTypeName(int fileType) => fileType switch
    {
        0 => "f32",
        2 or 3 or 4 => "4-bit quantized",
        7 => "8-bit quantized",
        8 or 9 => "5-bit quantized",
        _ => "of an unknown type",
    };

    private static void CheckFilters(Reader reader, WhisperHyperparameters h)
    {
        var rows = reader.Int32("the mel filter count");
        var columns = reader.Int32("the mel filter width");
        if (rows != h.Mels || columns != FilterColumns)
            throw reader.Invalid($"its mel filters are {rows} × {columns}; whisper.cpp reads {h.Mels} × {FilterColumns}");
        reader.Skip((long)rows * columns * sizeof(float), "the mel filters");
    }

    private static int CheckVocabulary(Reader reader, WhisperHyperparameters h)
    {
        var count = reader.Int32("the vocabulary size");
        if (count < 1 || count > h.Vocabulary) throw reader.Invalid($"its vocabulary holds {count} words; it must hold 1 to n_vocab ({h.Vocabulary})");
        var space = false;
        for (var i = 0; i < count; i++)
        {
            var length = reader.UInt32("a word's length");
            if (length > MaxWordBytes) throw reader.Invalid($"word {i} is {length} bytes long; whisper's tokens are short byte strings");
            var word = reader.Bytes((int)length, $"word {i}");
            space |= word is [(byte)' '];
        }
        // whisper.cpp looks the blank token up with map::at when it suppresses a blank start: missing, that throws
        // out of C++ and aborts the process.
        if (!space) throw reader.Invalid("its vocabulary lacks the \" \" token, which whisper.cpp needs (without it the process aborts)");
        return count;
    }

    private static int CheckTensors(Reader reader, WhisperHyperparameters h)
    {
        var expected = WhisperModelLayout.Expected(h);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!reader.AtEnd)
        {
            var dimensions = reader.Int32("a tensor's dimension count");
            var nameLength = reader.Int32("a tensor's name length");
            var type = reader.Int32("a tensor's type");
            if (dimensions is < 1 or > 3) throw reader.Invalid($"tensor {seen.Count + 1} has {dimensions} dimensions; whisper's have 1 to 3");
            if (nameLength is < 1 or > MaxNameBytes) throw reader.Invalid($"tensor {seen.Count + 1} has a name of {nameLength} bytes");
            var dims = new int[dimensions];
            for (var d = 0; d < dimensions; d++) dims[d] = reader.Int32("a tensor's dimension");
            var name = Encoding.UTF8.GetString(reader.Bytes(nameLength, "a tensor's name"));
            if (!expected.TryGetValue(name, out var spec)) throw reader.Invalid($"it holds a tensor '{name}' that a Whisper model with these dimensions has not");
            if (!seen.Add(name)) throw reader.Invalid($"it holds tensor '{name}' twice");
            if (!SameShape(dims, spec.Dims))
                throw reader.Invalid($"tensor '{name}' is [{Join(dims)}]; expected [{Join(spec.Dims)}]");
            if (type != (int)spec.Type) throw reader.Invalid($"tensor '{name}' has ggml type {type}; expected {spec.Type}");
            reader.Skip(spec.Bytes, $"tensor '{name}'s data");
        }
        var missing = expected.Keys.Where(k => !seen.Contains(k)).ToList();
        if (missing.Count > 0)
            throw reader.Invalid($"{missing.Count} of its {expected.Count} tensors are missing (the first: '{missing[0]}'); the file may be truncated");
        return seen.Count;
    }

    // whisper.cpp compares three dimensions, a missing one counting as 1.
    private static bool SameShape(int[] actual, int[] expected) =>
        Enumerable.Range(0, 3).All(i => (i < actual.Length ? actual[i] : 1) == (i < expected.Length ? expected[i] : 1));

    private static string Join(int[] dims) => string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Little-endian reads that say which part of the file ran short.</summary>
    private sealed class Reader(FileStream stream, string file)
    {
        private readonly byte[] _scratch = new byte[8];

        public bool AtEnd => stream.Position >= stream.Length;

        public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Fill(4, what));

        public uint UInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Fill(4, what));

        public byte[] Bytes(int count, string what)
        {
            Require(count, what);
            var bytes = new byte[count];
            stream.ReadExactly(bytes);
            return bytes;
        }

        public void Skip(long count, string what)
        {
            Require(count, what);
            stream.Seek(count, SeekOrigin.Current);
        }

        public InvalidDataException Invalid(string why) => new($"{file} is not a whisper.cpp model Tessera can load: {why}.");

        private byte[] Fill(int count, string what)
        {
            Require(count, what);
            stream.ReadExactly(_scratch, 0, count);
            return _scratch;
        }

        private void Require(long count, string what)
        {
            var left = stream.Length - stream.Position;
            if (count > left)
                throw Invalid($"it ends inside {what} (at byte {stream.Position.ToString(CultureInfo.InvariantCulture)}, {count.ToString(CultureInfo.InvariantCulture)} bytes needed, {left.ToString(CultureInfo.InvariantCulture)} left): the file is truncated");
        }
    }
}
