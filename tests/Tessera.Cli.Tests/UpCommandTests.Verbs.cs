using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tessera.Core.Numerics;
using Tessera.Omics.Chemistry;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

public partial class UpCommandTests
{
    /// <summary>The export client explains a missing token, an unknown run and a bad token in plain words, and writes nothing.</summary>
    private static async Task ExportClientErrorsAsync(ScratchDatabase scratch, string serverUrl)
    {
        var outFile = Path.Combine(scratch.DataDir, "refused.json");
        var noToken = await CliProcess.RunAsync("omics", "export", Guid.CreateVersion7().ToString(), "--server", serverUrl, "--out", outFile);
        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("No API token", noToken.Error, StringComparison.Ordinal);
        var unknownRun = await CliProcess.RunAsync("omics", "export", Guid.CreateVersion7().ToString(), "--server", serverUrl, "--demo", "--data-dir", scratch.DataDir, "--out", outFile);
        Assert.Equal(1, unknownRun.ExitCode);
        Assert.Contains("was not found", unknownRun.Error, StringComparison.Ordinal);
        var badToken = await CliProcess.RunAsync("omics", "export", Guid.CreateVersion7().ToString(), "--server", serverUrl, "--token", "tsr_nope", "--out", outFile);
        Assert.Contains("refused the token", badToken.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(outFile));
    }

    /// <summary><c>tessera user set-password</c> reads the password from standard input; the running server then signs the user in with it.</summary>
    private static async Task PasswordSetByTheCliSignsInAsync(HttpClient http, ScratchDatabase scratch)
    {
        const string email = "demo@tessera.local", password = "set from the command line";
        Assert.Contains("Password set.", await SucceedsAsync(CliProcess.RunWithInputAsync(password + "\n", ["user", "set-password", "--email", email, .. Data(scratch)])), StringComparison.Ordinal);
        using var login = await http.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Me(http, token)).StatusCode);
        using var wrong = await http.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { email, password = password + "!" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    /// <summary>A token made by the CLI works against the running server until the CLI revokes it.</summary>
    private static async Task TokensMadeByTheCliWorkUntilRevokedAsync(HttpClient http, ScratchDatabase scratch)
    {
        var created = await SucceedsAsync(CliProcess.RunAsync(["token", "create", "--user", "ops@example.com", "--org", "ops", "--expires", "7d", .. Data(scratch)]));
        var token = created.Trim().Split('\n')[^1];
        Assert.StartsWith("tsr_", token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Me(http, token)).StatusCode);
        await SucceedsAsync(CliProcess.RunAsync(["token", "revoke", token, .. Data(scratch)]));
        var revoked = await Me(http, token);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("TOKEN_REVOKED", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>tessera embed</c> with an ESM-2 checkpoint (per-residue files too) and with a named embedder, then the
    /// file-mode <c>index build</c>, <c>index query</c> and <c>index bench</c> over those embeddings.
    /// </summary>
    private static async Task EmbedAndIndexFilesAsync(ScratchDatabase scratch)
    {
        var work = Directory.CreateDirectory(Path.Combine(scratch.DataDir, "files")).FullName;
        var sequences = TestPeptides.Random(12, seed: 20, minLength: 8, maxLength: 30);
        var fasta = Path.Combine(work, "peptides.fasta");
        await File.WriteAllLinesAsync(fasta, sequences.SelectMany((s, i) => new[] { $">p{i}", s }));

        var esm = Path.Combine(work, "esm.npy");
        var residues = Path.Combine(work, "residues");
        await SucceedsAsync(CliProcess.RunAsync("embed", "--model", Path.Combine(RepoPaths.Fixtures, "esm2-tiny"), "--input", fasta, "--output", esm,
            "--per-residue", residues, "--threads", "1", "--batch", "5"));
        Assert.Equal((sequences.Count, 64), Npy.Read(esm).Matrix);
        var perResidue = Directory.GetFiles(residues, "*.npy").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sequences.Count, perResidue.Count);
        Assert.Equal(sequences.Select(s => s.Length).Order(), perResidue.Select(f => Npy.Read(f).Matrix.Rows).Order());

        var descriptors = Path.Combine(work, "descriptors.npy");
        await SucceedsAsync(CliProcess.RunAsync("embed", "--model", PeptideDescriptorEmbedder.ModelName, "--input", fasta, "--output", descriptors));
        Assert.Equal(sequences.Count, Npy.Read(descriptors).Matrix.Rows);

        var snapshot = Path.Combine(work, "esm.hnsw");
        Assert.Contains($"Wrote {snapshot}", await SucceedsAsync(CliProcess.RunAsync("index", "build", "--input", esm, "--out", snapshot, "--threads", "1")), StringComparison.Ordinal);
        var answers = (await SucceedsAsync(CliProcess.RunAsync("index", "query", "--index", snapshot, "--queries", esm, "--k", "3")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal(sequences.Count, answers.Count);
        // Each stored vector is its own nearest neighbour.
        Assert.All(answers, a => Assert.Equal(a["query"]!.GetValue<int>(), a["ids"]![0]!.GetValue<long>()));

        var bench = (await SucceedsAsync(CliProcess.RunAsync("index", "bench", "--base", esm, "--queries", esm, "--k", "3", "--ef", "8,32", "--repeat", "1")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal([8, 32], bench.Select(b => b["ef"]!.GetValue<int>()));
        Assert.All(bench, b => Assert.InRange(b["recall_at_k"]!.GetValue<double>(), 0, 1));
    }

    /// <summary><c>tessera jobs bench</c> on the running server's database: its no-op jobs all finish and it prints its table.</summary>
    private static async Task JobsBenchAsync(ScratchDatabase scratch)
    {
        var report = await SucceedsAsync(CliProcess.RunAsync(["jobs", "bench", "--count", "40", "--latency-samples", "3", "--concurrency", "2", .. Data(scratch)]));
        Assert.Contains("Enqueued 40 no-op jobs", report, StringComparison.Ordinal);
        Assert.Contains("| throughput (jobs/s, first start → last finish) |", report, StringComparison.Ordinal);
        Assert.Contains("| enqueue → start latency p50 (ms) |", report, StringComparison.Ordinal);
    }
}
