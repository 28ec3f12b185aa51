using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

public class IndexCollectionCommandTests
{
    private const string DemoPeptide = "GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV";

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task The_omics_collection_is_rebuilt_from_the_database_and_searched_as_a_member(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        var port = CliProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        // `tessera up` seeds the demo run; wait until it is embedded, then stop the server.
        using (var server = Process.Start(CliProcess.StartInfo(["up", "--port", port, .. data]))!)
        {
            server.OutputDataReceived += (_, _) => { };
            server.BeginOutputReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await CliProcess.WaitForHealthAsync(http, server);
                var tokenFile = Path.Combine(scratch.DataDir, "demo-token");
                for (var i = 0; i < 300 && !File.Exists(tokenFile); i++) await Task.Delay(100);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (!(await http.GetStringAsync(new Uri("/api/v1/omics/runs", UriKind.Relative))).Contains("\"embedded\"", StringComparison.Ordinal))
                {
                    Assert.True(DateTime.UtcNow < deadline, "the demo run was not embedded in time");
                    await Task.Delay(200);
                }
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }

        // The snapshots are gone (say, an upgrade changed their format): a build recreates them from the database.
        Directory.Delete(Path.Combine(scratch.DataDir, "indexes"), recursive: true);
        var build = await CliProcess.RunAsync(["index", "build", "--collection", "omics", .. data]);
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains("tessera-peptide-descriptors-v1", build.Output, StringComparison.Ordinal);
        Assert.Contains("snapshot saved", build.Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(scratch.DataDir, "indexes"), "*.hnsw"));

        // A member's search finds the peptide itself first; someone outside the organization is refused.
        var query = await CliProcess.RunAsync(["index", "query", "--collection", "omics", "--user", "demo@tessera.local", "--org", "demo",
            "--text", DemoPeptide.ToLowerInvariant(), "--k", "3", .. data]);
        Assert.True(query.ExitCode == 0, query.Error);
        var hits = query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, hits.Count);
        Assert.Equal(DemoPeptide, hits[0].GetProperty("sequence").GetString());
        Assert.Equal(1.0, hits[0].GetProperty("score").GetDouble(), 1e-4);
        var stranger = await CliProcess.RunAsync(["index", "query", "--collection", "omics", "--user", "nobody@example.com", "--org", "demo",
            "--text", DemoPeptide, .. data]);
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("was not found", stranger.Error, StringComparison.Ordinal);
        var unknown = await CliProcess.RunAsync(["index", "build", "--collection", "chem", .. data]);
        Assert.Contains("Unknown collection 'chem'", unknown.Error, StringComparison.Ordinal);
    }
}
