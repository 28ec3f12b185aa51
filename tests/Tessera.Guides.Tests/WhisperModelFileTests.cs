using Tessera.Inference.Whisper;
using Tessera.Testing;

namespace Tessera.Guides.Tests;

/// <summary>
/// The whisper.cpp model check that runs before the native library sees a file: a generated f16 model passes, and each
/// file whisper.cpp would abort on, misread or refuse is turned away with a message saying why.
/// </summary>
public sealed class WhisperModelFileTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_generated_f16_model_passes_with_its_dimensions()
    {
        var summary = WhisperModelFile.Validate(TinyWhisperModel.Write(_folder.File("tiny.bin")));

        var h = summary.Hyperparameters;
        Assert.Equal((TinyWhisperModel.Vocabulary, TinyWhisperModel.State, TinyWhisperModel.Layers, TinyWhisperModel.Mels, 1), (h.Vocabulary, h.AudioState, h.TextLayers, h.Mels, h.FileType));
        Assert.False(h.Multilingual);
        Assert.Equal(11 + 15 * TinyWhisperModel.Layers + 24 * TinyWhisperModel.Layers, summary.Tensors);
        Assert.Equal(new FileInfo(_folder.File("tiny.bin")).Length, summary.Bytes);
    }

    [Theory]
    [InlineData("bad-magic", "does not start with the ggml magic")]
    [InlineData("f32", "its weights are f32 (ftype 0); only f16 models are supported")]
    [InlineData("q5_0", "5-bit quantized")]
    [InlineData("no-space", "lacks the \" \" token")]
    [InlineData("truncated", "the file is truncated")]
    [InlineData("unknown-tensor", "a tensor 'encoder.blocks.7.attn.query.bias' that a Whisper model with these dimensions has not")]
    public void A_file_whisper_cpp_would_abort_on_or_misread_is_refused_with_the_reason(string flaw, string reason)
    {
        var path = TinyWhisperModel.Write(_folder.File(flaw + ".bin"), flaws: flaw switch
        {
            "bad-magic" => new TinyWhisperModel.Flaws { Magic = 0x46554747 }, // "GGUF"
            "f32" => new TinyWhisperModel.Flaws { FileType = 0 },
            "q5_0" => new TinyWhisperModel.Flaws { FileType = 8 },
            "no-space" => new TinyWhisperModel.Flaws { SpaceToken = false },
            "truncated" => new TinyWhisperModel.Flaws { Truncate = 1000 },
            _ => new TinyWhisperModel.Flaws { ExtraTensor = "encoder.blocks.7.attn.query.bias" },
        });

        var e = Assert.Throws<InvalidDataException>(() => WhisperModelFile.Validate(path));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{flaw}.bin is not a whisper.cpp model Tessera can load: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]   // a few stray bytes: they cannot even hold a tensor header
    [InlineData(64)]  // a stray header with nonsense in it
    public void Bytes_after_the_last_tensor_are_refused_because_the_sizes_no_longer_add_up(int extra)
    {
        var path = TinyWhisperModel.Write(_folder.File("tail.bin"));
        using (var stream = new FileStream(path, FileMode.Append)) stream.Write(new byte[extra]);

        var e = Assert.Throws<InvalidDataException>(() => WhisperModelFile.Validate(path));

        Assert.Matches("truncated|dimensions", e.Message);
    }

    [Fact]
    public void An_empty_file_is_refused_as_truncated()
    {
        File.WriteAllBytes(_folder.File("empty.bin"), []);
        Assert.Contains("it ends inside the magic", Assert.Throws<InvalidDataException>(() => WhisperModelFile.Validate(_folder.File("empty.bin"))).Message, StringComparison.Ordinal);
    }
}
