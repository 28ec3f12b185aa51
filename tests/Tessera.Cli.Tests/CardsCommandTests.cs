using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera cards import|download|validate|embed|build|identify|status</c> as a user runs them, against a loopback stand-in for Scryfall.</summary>
public sealed class CardsCommandTests : IAsyncLifetime
{
    private CardImagesServer _server = null!;

    public async Task InitializeAsync() => _server = await CardImagesServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string[] Data(ScratchDatabase scratch) => ["--data-dir", scratch.DataDir, "--database", scratch.Target];

    private async Task<string> CatalogFileAsync(ScratchDatabase scratch, int cards)
    {
        var path = Path.Combine(scratch.DataDir, "default-cards.json");
        await File.WriteAllTextAsync(path, ScryfallBulk.Json(_server.BaseUrl, Enumerable.Range(0, cards)));
        return path;
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Import_download_and_status_and_a_second_download_asks_for_nothing_it_has(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var catalog = await CatalogFileAsync(scratch, 6);

        var (importCode, importOutput, importError) = await CliProcess.RunAsync(["cards", "import", catalog, "--json", .. Data(scratch)]);
        Assert.True(importCode == 0, importError);
        Assert.Equal(6, JsonDocument.Parse(importOutput).RootElement.GetProperty("added").GetInt32());

        string[] download = ["cards", "download", "--workers", "4", "--rate", "1000", "--json", .. Data(scratch)];
        var (code, output, error) = await CliProcess.RunAsync(download);
        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal((8, 8, 0), (report.GetProperty("total").GetInt32(), report.GetProperty("downloaded").GetInt32(), report.GetProperty("failed").GetInt32()));
        var requests = _server.TotalRequests;

        var (again, againOutput, againError) = await CliProcess.RunAsync(download);
        Assert.True(again == 0, againError);
        Assert.Equal(8, JsonDocument.Parse(againOutput).RootElement.GetProperty("skipped").GetInt32());
        Assert.Equal(requests, _server.TotalRequests);

        var reportFile = Path.Combine(scratch.DataDir, "validation.json");
        var (validateCode, _, validateError) = await CliProcess.RunAsync(["cards", "validate", "--report", reportFile, .. Data(scratch)]);
        Assert.True(validateCode == 0, validateError);
        var validation = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile)).RootElement;
        Assert.Equal((8, 0), (validation.GetProperty("valid").GetInt32(), validation.GetProperty("invalid").GetArrayLength()));

        var (statusCode, status, statusError) = await CliProcess.RunAsync(["cards", "status", "--json", .. Data(scratch)]);
        Assert.True(statusCode == 0, statusError);
        var root = JsonDocument.Parse(status).RootElement;
        Assert.Equal((6, 8), (root.GetProperty("cards").GetInt32(), root.GetProperty("downloaded").GetInt32()));
    }

    [Fact]
    public async Task Bad_arguments_an_empty_catalog_and_a_run_where_every_download_fails_exit_non_zero_with_one_line()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");

        await ExpectOneLineErrorAsync("--limit", ["cards", "download", "--limit", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--workers", ["cards", "download", "--workers", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--workers", ["cards", "download", "--workers", "129", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--size", ["cards", "download", "--size", "huge", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--rate", ["cards", "download", "--rate", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("cards import", ["cards", "download", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("cards download", ["cards", "validate", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("is not a file", ["cards", "import", Path.Combine(scratch.DataDir, "missing.json"), .. Data(scratch)]);

        var catalog = await CatalogFileAsync(scratch, 3);
        Assert.Equal(0, (await CliProcess.RunAsync(["cards", "import", catalog, .. Data(scratch)])).ExitCode);
        foreach (var path in new[] { ScryfallBulk.ImagePath(0, 0, "normal"), ScryfallBulk.ImagePath(1, 0, "normal"), ScryfallBulk.ImagePath(2, 0, "normal"), ScryfallBulk.ImagePath(2, 1, "normal") })
            _server.Fail(path, ImageFault.NotFound);
        var output = await ExpectOneLineErrorAsync("every download failed (http_404: 4)", ["cards", "download", "--rate", "1000", .. Data(scratch)]);
        Assert.Contains("0 downloaded, 0 skipped (0 unchanged), 4 failed of 4", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Embed_build_and_identify_name_the_card_in_a_photo_and_a_rerun_of_embed_has_nothing_left(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        _server.Images = path => GeneratedCards.Png(path.Contains(ScryfallBulk.IdOf(1), StringComparison.Ordinal) ? 101 : path.GetHashCode(StringComparison.Ordinal) & 0xFFFF, 0);
        var catalog = await CatalogFileAsync(scratch, 4);
        Assert.Equal(0, (await CliProcess.RunAsync(["cards", "import", catalog, .. Data(scratch)])).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync(["cards", "download", "--rate", "1000", .. Data(scratch)])).ExitCode);

        var (embedCode, embedOutput, embedError) = await CliProcess.RunAsync(["cards", "embed", "--checkpoint-every", "2", "--json", .. Data(scratch)]);
        Assert.True(embedCode == 0, embedError);
        var embedded = JsonDocument.Parse(embedOutput).RootElement;
        Assert.Equal((5, "resnet18-imagenet"), (embedded.GetProperty("embedded").GetInt32(), embedded.GetProperty("embedder").GetString()));
        var (againCode, againOutput, againError) = await CliProcess.RunAsync(["cards", "embed", .. Data(scratch)]);
        Assert.True(againCode == 0, againError);
        Assert.Contains("0 embedded with resnet18-imagenet, 5 already embedded, 0 failed of 5 images", againOutput, StringComparison.Ordinal);

        var (buildCode, buildOutput, buildError) = await CliProcess.RunAsync(["cards", "build", "--hnsw-m", "8", "--hnsw-ef-construction", "32", "--json", .. Data(scratch)]);
        Assert.True(buildCode == 0, buildError);
        var manifest = JsonDocument.Parse(buildOutput).RootElement;
        Assert.Equal((8, 32, 5), (manifest.GetProperty("m").GetInt32(), manifest.GetProperty("ef_construction").GetInt32(), manifest.GetProperty("index_vectors").GetInt32()));

        var photo = Path.Combine(scratch.DataDir, "photo.jpg");
        await File.WriteAllBytesAsync(photo, CardPhotos.Jpeg(GeneratedCards.Png(101, 0), seed: 3));
        var (identifyCode, identifyOutput, identifyError) = await CliProcess.RunAsync(["cards", "identify", photo, "--k", "2", "--json", .. Data(scratch)]);
        Assert.True(identifyCode is 0 or 3, identifyError);
        var answer = JsonDocument.Parse(identifyOutput).RootElement;
        Assert.Equal("Card 1", answer.GetProperty("candidates")[0].GetProperty("name").GetString());
        Assert.Equal(2, answer.GetProperty("candidates").GetArrayLength());
        Assert.Equal(identifyCode == 0, answer.GetProperty("confident").GetBoolean());
        var (textCode, text, _) = await CliProcess.RunAsync(["cards", "identify", photo, .. Data(scratch)]);
        Assert.Contains(" 1. Card 1 (TST #2)", text, StringComparison.Ordinal);
        Assert.Contains("similarity", text, StringComparison.Ordinal);
        Assert.Equal(identifyCode, textCode);
    }

    [Fact]
    public async Task Embed_build_and_identify_refuse_bad_arguments_and_missing_stages_with_one_line()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
        var photo = Path.Combine(scratch.DataDir, "photo.jpg");
        await File.WriteAllBytesAsync(photo, CardPhotos.Jpeg(GeneratedCards.Png(1, 0), seed: 1));

        await ExpectOneLineErrorAsync("--limit", ["cards", "embed", "--limit", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--batch-size", ["cards", "embed", "--batch-size", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--checkpoint-every", ["cards", "embed", "--checkpoint-every", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--model", ["cards", "embed", "--model", "all-minilm-l6-v2", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--hnsw-m", ["cards", "build", "--hnsw-m", "3", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--hnsw-m", ["cards", "build", "--hnsw-m", "129", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--hnsw-ef-construction", ["cards", "build", "--hnsw-ef-construction", "8", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--k", ["cards", "identify", photo, "--k", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("--ef", ["cards", "identify", photo, "--ef", "0", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("does not exist", ["cards", "identify", Path.Combine(scratch.DataDir, "missing.jpg"), .. Data(scratch)]);
        await ExpectOneLineErrorAsync("cards download", ["cards", "embed", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("cards embed", ["cards", "build", .. Data(scratch)]);
        await ExpectOneLineErrorAsync("cards embed", ["cards", "identify", photo, .. Data(scratch)]);
    }

    private static async Task<string> ExpectOneLineErrorAsync(string expected, string[] args)
    {
        var (code, output, error) = await CliProcess.RunAsync(args);
        Assert.True(code == 1, $"exit {code}: {output} {error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        return output;
    }
}
