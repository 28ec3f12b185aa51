using System.Diagnostics;
using System.Text.Json.Nodes;
using Tessera.Testing;

namespace Tessera.Jobs.Tests;

public class CliTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "tessera.dll");

    private static async Task<(int Code, string Output, string Error)> TesseraAsync(ScratchDatabase database, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args.Concat(["--data-dir", database.DataDir, "--database", database.Target])) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Jobs_commands_list_show_cancel_and_retry_every_owners_jobs(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var queued = (await harness.Jobs.EnqueueAsync(JobsHarness.Bob, new JobRequest("system.noop", null) { RunAt = DateTimeOffset.UtcNow.AddHours(1) })).Job;
        var failing = (await harness.Jobs.EnqueueAsync(JobsHarness.Alice, new JobRequest("system.echo", new JsonObject { ["fail"] = "nope" }))).Job;
        await using (new RunningWorker(harness.NewWorker())) await harness.WaitForTerminalAsync(failing.Id);

        var list = await TesseraAsync(harness.Scratch, "jobs", "list");
        Assert.Equal(0, list.Code);
        Assert.Contains(queued.Id.ToString(), list.Output);
        Assert.Contains(failing.Id.ToString(), list.Output);
        var failedOnly = await TesseraAsync(harness.Scratch, "jobs", "list", "--state", "failed");
        Assert.DoesNotContain(queued.Id.ToString(), failedOnly.Output);

        var show = await TesseraAsync(harness.Scratch, "jobs", "show", failing.Id.ToString(), "--events");
        Assert.Equal(0, show.Code);
        Assert.Contains("\"state\": \"failed\"", show.Output);
        Assert.Contains("\"code\": \"ECHO_FAILED\"", show.Output);
        Assert.Contains("\"to_state\":\"failed\"", show.Output);

        var cancel = await TesseraAsync(harness.Scratch, "jobs", "cancel", queued.Id.ToString());
        Assert.Equal((0, $"{queued.Id} cancelled"), (cancel.Code, cancel.Output.Trim()));

        var retry = await TesseraAsync(harness.Scratch, "jobs", "retry", failing.Id.ToString());
        Assert.Equal(0, retry.Code);
        Assert.EndsWith($"queued (retry of {failing.Id})", retry.Output.Trim());
        var refused = await TesseraAsync(harness.Scratch, "jobs", "retry", queued.Id.ToString());
        Assert.Equal(1, refused.Code);
        Assert.Contains("Only failed jobs can be retried", refused.Error);

        var missing = await TesseraAsync(harness.Scratch, "jobs", "show", Guid.NewGuid().ToString());
        Assert.Equal((1, "error: The job was not found."), (missing.Code, missing.Error.Trim()));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Enqueue_and_worker_commands_run_jobs_from_the_command_line(string dialect)
    {
        await using var harness = await JobsHarness.CreateAsync(dialect);
        var enqueued = await TesseraAsync(harness.Scratch, "jobs", "enqueue", "system.count", "--input", """{"to": 2}""");
        Assert.Equal(0, enqueued.Code);
        var id = Guid.Parse(enqueued.Output.Trim());
        Assert.Equal(JobsEnqueueOwner, (await harness.Jobs.GetAsync(JobScope.Operator, id)).OwnerUserId);

        using (new WorkerProcess(harness.Scratch.DataDir, harness.Scratch.Target, 2, "system.count", new Dictionary<string, string>()))
        {
            var done = await harness.WaitForTerminalAsync(id, TimeSpan.FromSeconds(60));
            Assert.Equal(JobState.Succeeded, done.State);
            Assert.StartsWith(Environment.MachineName + ":", (await harness.Jobs.GetEventsAsync(JobScope.Operator, id)).Single(e => e.ToState == "running").Message!["claimed by ".Length..]);
        }

        var badKinds = await TesseraAsync(harness.Scratch, "worker", "--kinds", "no.such.kind");
        Assert.Equal(2, badKinds.Code);
        Assert.Contains("no handler for kind(s) no.such.kind", badKinds.Error);
        var badInput = await TesseraAsync(harness.Scratch, "jobs", "enqueue", "system.noop", "--input", "{oops");
        Assert.Equal(1, badInput.Code);
        Assert.Contains("--input is not valid JSON", badInput.Error);
    }

    private static readonly Guid JobsEnqueueOwner = Guid.Empty;
}
