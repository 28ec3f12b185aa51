using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera guides make</c> against a deployment's data: the steps of a narrated recording, and clear non-zero exits.</summary>
public sealed class GuidesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-guides-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Make_prints_the_steps_of_a_narrated_recording_and_fails_clearly_without_narration(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        var narrated = Path.Combine(_dir, "narrated.mkv");
        await File.WriteAllBytesAsync(narrated, await NarratedVideos.MakeAsync(withSubtitles: true));
        var silent = Path.Combine(_dir, "silent.mkv");
        await File.WriteAllBytesAsync(silent, await NarratedVideos.MakeAsync(withSubtitles: false));

        var (code, output, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--json", "--project", "Onboarding", .. data]);
        Assert.True(code == 0, error);
        var instructions = JsonDocument.Parse(output).RootElement;
        Assert.Equal(NarratedVideos.Steps, instructions.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Contains("DRAFTED", error, StringComparison.Ordinal);

        // With --export the bundle is written where --out says.
        var bundle = Path.Combine(_dir, "guide.zip");
        (code, output, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--export", "html", "--out", bundle, .. data]);
        Assert.True(code == 0, error);
        Assert.StartsWith("3 step(s), valid", output, StringComparison.Ordinal);
        Assert.Contains("1. Open the Settings menu.", output, StringComparison.Ordinal);
        Assert.Contains($"html bundle of {new FileInfo(bundle).Length} bytes written to {bundle}", error, StringComparison.Ordinal);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(bundle))
            Assert.Equal(["guide.html", "images", "images", "images", "provenance.json"], zip.Entries.Select(e => e.FullName.Split('/')[0]));
        // A PDF bundle has the same shape, the document first.
        var pdf = Path.Combine(_dir, "guide-pdf.zip");
        (code, _, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--export", "pdf", "--out", pdf, .. data]);
        Assert.True(code == 0, error);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(pdf))
            Assert.Equal(["guide.pdf", "images", "images", "images", "provenance.json"], zip.Entries.Select(e => e.FullName.Split('/')[0]));
        (code, _, error) = await CliProcess.RunAsync(["guides", "make", narrated, "--export", "odt", .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("odt", error, StringComparison.Ordinal);

        (code, _, error) = await CliProcess.RunAsync(["guides", "make", silent, .. data]);
        Assert.Equal(1, code);
        Assert.Contains("GUIDES_TRANSCRIPT_UNAVAILABLE", error, StringComparison.Ordinal);
        (code, _, error) = await CliProcess.RunAsync(["guides", "make", Path.Combine(_dir, "missing.mkv"), .. data]);
        Assert.NotEqual(0, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_worker_killed_mid_processing_leaves_a_job_another_worker_resumes_after_its_checkpoint(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var video = Path.Combine(_dir, "spoken.mkv");
        await File.WriteAllBytesAsync(video, await NarratedVideos.MakeSpokenAsync());
        // Short leases, so the killed process's claim runs out within seconds.
        Dictionary<string, string> leases = new() { ["TESSERA__JOBS__LEASE_SECONDS"] = "2", ["TESSERA__JOBS__HEARTBEAT_MS"] = "250", ["TESSERA__JOBS__POLL_MS"] = "200" };
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];

        // The CLI runs the job in its own process: SIGKILLed once the media stage is stored, while speech recognition runs.
        using (var make = Start(["guides", "make", video, .. data], leases))
        {
            var stage = await WaitForAsync(scratch, j => j.Status == "PROCESSING" && j.Checkpoint == "media" || j.Status is "DRAFTED" or "FAILED");
            Assert.True(stage.Status == "PROCESSING", $"the job was {stage.Status} before the process could be killed");
            make.Kill(entireProcessTree: true);
            await make.WaitForExitAsync();
        }
        var killed = await WaitForAsync(scratch, _ => true);
        Assert.Equal(("PROCESSING", "media"), (killed.Status, killed.Checkpoint));

        // A worker takes the job when the lease runs out and resumes after the stored media: drafted, nothing redone.
        using (var worker = Start(["worker", "--kinds", "guides.process", .. data], leases))
        {
            var done = await WaitForAsync(scratch, j => j.Status is "DRAFTED" or "FAILED");
            worker.Kill(entireProcessTree: true);
            Assert.Equal("DRAFTED", done.Status);
            Assert.Equal(killed.Artifacts, done.Artifacts);
        }
        await using var c = await scratch.Database.OpenConnectionAsync();
        var transitions = (await c.QueryAsync<string>("SELECT from_status || '>' || to_status FROM guides_job_transitions ORDER BY seq")).ToList();
        Assert.Equal(["CREATED>UPLOADED", "UPLOADED>QUEUED", "QUEUED>PROCESSING", "PROCESSING>TRANSCRIBED", "TRANSCRIBED>DRAFTED"], transitions);
        Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT attempts FROM jobs WHERE kind = 'guides.process'"));
    }

    private sealed record JobRow(string Status, string? Checkpoint, string? Artifacts);

    private static Process Start(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var info = CliProcess.StartInfo(args);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Polls the (one) guide job until <paramref name="done"/> says so.</summary>
    private static async Task<JobRow> WaitForAsync(ScratchDatabase scratch, Func<JobRow, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            JobRow? job = null;
            try
            {
                await using var c = await scratch.Database.OpenConnectionAsync();
                job = await c.QuerySingleOrDefaultAsync<JobRow>("SELECT status AS Status, checkpoint AS Checkpoint, artifacts AS Artifacts FROM guides_jobs");
            }
            catch (System.Data.Common.DbException)
            {
                // The process has not migrated the database yet.
            }
            if (job is not null && done(job)) return job;
            Assert.True(DateTime.UtcNow < deadline, $"the guide job is still {job?.Status ?? "missing"}");
            await Task.Delay(50);
        }
    }
}
