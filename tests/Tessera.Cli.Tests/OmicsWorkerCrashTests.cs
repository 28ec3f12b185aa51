using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

public class OmicsWorkerCrashTests
{
    private const int Peptides = 3000;

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_worker_killed_while_embedding_leaves_the_run_to_another_worker_which_completes_it_once(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        // ESM-2 (the tiny fixture) so embedding takes long enough to be interrupted; short leases so the dead
        // worker's job comes back within seconds.
        var settings = new Dictionary<string, string>
        {
            ["TESSERA__OMICS__ESM_MODEL"] = Path.Combine(RepoPaths.Fixtures, "esm2-tiny"),
            ["TESSERA__JOBS__LEASE_SECONDS"] = "2",
            ["TESSERA__JOBS__HEARTBEAT_MS"] = "300",
            ["TESSERA__JOBS__POLL_MS"] = "200",
        };
        var port = CliProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        using var server = Start(settings, ["serve", "--workers", "0", "--port", port, .. data]);
        Process? worker = null;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await CliProcess.WaitForHealthAsync(http, server);
            var created = await CliProcess.RunAsync(["token", "create", "--user", "lab@example.com", "--org", "lab", .. data]);
            Assert.True(created.ExitCode == 0, created.Error);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Output.Trim().Split('\n')[^1]);

            var sequences = TestPeptides.Random(Peptides, seed: 3, minLength: 20, maxLength: 50);
            var fasta = Encoding.ASCII.GetBytes(string.Concat(sequences.Select((s, i) => $">p{i}\n{s}\n")));
            using var form = new MultipartFormDataContent { { new ByteArrayContent(fasta), "file", "big.fasta" } };
            var accepted = await Json(await http.PostAsync(new Uri("/api/v1/omics/runs", UriKind.Relative), form));
            var runId = accepted.GetProperty("run").GetProperty("id").GetString();
            var jobId = accepted.GetProperty("job").GetProperty("id").GetString();

            // The first worker gets part of the way, then dies without warning.
            worker = Start(settings, ["worker", "--concurrency", "1", .. data]);
            var doneAtKill = await WaitForProgressAsync(http, jobId!, worker);
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
            worker.Dispose();
            Assert.InRange(doneAtKill, 1, Peptides - 1);

            // A second worker takes the job over once the lease lapses and embeds only what is missing.
            worker = Start(settings, ["worker", "--concurrency", "1", .. data]);
            var job = await JobPolling.WaitForJobAsync(http, jobId!, TimeSpan.FromSeconds(180));
            Assert.Equal("succeeded", job.GetProperty("state").GetString());
            Assert.Equal(2, job.GetProperty("attempts").GetInt32());
            Assert.InRange(job.GetProperty("result").GetProperty("embedded").GetInt32(), 1, Peptides - doneAtKill);

            var events = await Json(await http.GetAsync(new Uri($"/api/v1/jobs/{jobId}/events", UriKind.Relative)));
            Assert.Single(events.EnumerateArray(), e => e.GetProperty("to_state").ValueKind == JsonValueKind.String && e.GetProperty("to_state").GetString() == "succeeded");
            var run = await Json(await http.GetAsync(new Uri($"/api/v1/omics/runs/{runId}", UriKind.Relative)));
            Assert.Equal("embedded", run.GetProperty("state").GetString());
            Assert.Equal(Peptides, run.GetProperty("peptide_count").GetInt32());

            // Every peptide has exactly one vector, and the API process (no workers of its own) picks up the new
            // vectors for search.
            var export = await Json(await http.GetAsync(new Uri($"/api/v1/omics/runs/{runId}/export", UriKind.Relative)));
            Assert.Equal(Peptides, export.GetProperty("peptides").GetArrayLength());
            var search = await http.PostAsJsonAsync("/api/v1/omics/search", new { sequence = sequences[1234], k = 1 });
            var top = (await Json(search)).GetProperty("hits")[0];
            Assert.Equal(sequences[1234], top.GetProperty("sequence").GetString());
        }
        finally
        {
            if (worker is not null)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
                worker.Dispose();
            }
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static Process Start(Dictionary<string, string> settings, string[] args)
    {
        var info = CliProcess.StartInfo(args);
        foreach (var (key, value) in settings) info.Environment[key] = value;
        var process = Process.Start(info)!;
        // Drain the output so a chatty process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<long> WaitForProgressAsync(HttpClient http, string jobId, Process worker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            Assert.False(worker.HasExited, "the worker exited on its own");
            var job = await Json(await http.GetAsync(new Uri($"/api/v1/jobs/{jobId}", UriKind.Relative)));
            var done = job.GetProperty("progress").GetProperty("done").GetInt64();
            if (done > 0) return done;
            Assert.True(DateTime.UtcNow < deadline, "the worker made no progress in time: " + job);
            await Task.Delay(20);
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
