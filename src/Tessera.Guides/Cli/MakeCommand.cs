using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;
using Tessera.Guides.Api;
using Tessera.Guides.Exports;
using Tessera.Guides.Instructions;
using Tessera.Guides.Jobs;
using Tessera.Jobs;
using Tessera.Platform.Modules;

namespace Tessera.Guides.Cli;

/// <summary>
/// <c>tessera guides make VIDEO</c>: the API's path without a server — a job in the project (made if missing), the video
/// stored and confirmed, the job run — with a job worker in this process that claims that job alone until it is
/// drafted or has failed; then the steps are printed. Ctrl+C cancels the job.
/// </summary>
internal static class MakeCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create(IModuleCommandHost host)
    {
        var video = new Argument<string>("video") { Description = "The narrated screen recording (any format ffmpeg reads): its subtitle track, or else its spoken narration, is transcribed." };
        var project = new Option<string>("--project") { Description = "The project to put the job in; made when you have none by that name.", DefaultValueFactory = _ => "Guides" };
        var json = new Option<bool>("--json") { Description = "Print the instructions as one JSON object (the API's GET /jobs/{id}/instructions)." };
        var export = new Option<string?>("--export") { Description = "Also export the instructions as a zip bundle with the screenshots: markdown, html, pdf or docx (the job becomes DONE)." };
        export.AcceptOnlyFromAmong([.. ExportFormat.All]);
        var output = new Option<string?>("--out") { Description = "Where --export writes the bundle (default: guide-<job>-v1-<format>.zip here)." };
        var owner = new ModuleCliOwner("guides");
        var command = new Command("make", "Turn a narrated screen recording into step-by-step instructions with a screenshot each (ffmpeg, tesseract, pocketsphinx), in this process.");
        command.Arguments.Add(video);
        command.Options.Add(project);
        command.Options.Add(json);
        command.Options.Add(export);
        command.Options.Add(output);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(video)!;
            if (!File.Exists(path)) throw TesseraException.Validation($"{path} does not exist.");
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var guides = services.GetRequiredService<GuideJobService>();
            var name = parse.GetValue(project)!;
            var home = (await guides.ListProjectsAsync(principal, ct).ConfigureAwait(false)).FirstOrDefault(p => p.Name == name)
                ?? await guides.CreateProjectAsync(principal, name, ct).ConfigureAwait(false);
            var job = await guides.CreateJobAsync(principal, home.Id, ct).ConfigureAwait(false);
            BlobRef stored;
            await using (var file = File.OpenRead(path))
                stored = await guides.UploadAsync(principal, file, ct).ConfigureAwait(false);
            await guides.ConfirmUploadAsync(principal, job.Id, GuideJobService.VideoUri(stored.Sha256), ct).ConfigureAwait(false);
            (job, _) = await guides.RunAsync(principal, job.Id, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"job {job.Id} in project '{home.Name}': {job.Status}");
            job = await WaitAsync(services, guides, principal, job, ct).ConfigureAwait(false);
            if (job.Status != GuideJobStatus.Drafted)
            {
                Console.Error.WriteLine($"job {job.Id} {job.Status}" + (job.FailureCode is { } code ? $" ({code}): {job.FailureMessage}" : ""));
                return 1;
            }
            var (instruction, version) = await services.GetRequiredService<InstructionService>().ForJobAsync(principal, job.Id, ct).ConfigureAwait(false);
            var shown = GuidesInstruction.From(instruction, version);
            if (parse.GetValue(export) is { } format && !await ExportAsync(services, principal, job.Id, format, parse.GetValue(output), ct).ConfigureAwait(false)) return 1;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(shown, Json));
                return 0;
            }
            Console.WriteLine($"{shown.Blocks.Count} step(s), {shown.ValidationStatus}; instructions {shown.Id}");
            foreach (var (block, i) in shown.Blocks.Select((b, i) => (b, i)))
                Console.WriteLine($"{i + 1}. {block.Text}" + (block.FrameTimeSeconds is { } at ? $"  [screen at {at:0.0} s: frame {block.FrameSha256![..12]}]" : "  [no screenshot]"));
            foreach (var issue in shown.ValidationIssues) Console.Error.WriteLine("review: " + issue);
            return 0;
        });
        return command;
    }

    /// <summary>Exports the job's current instructions, running the export's job here, and writes the bundle (atomically) to <paramref name="output"/>.</summary>
    private static async Task<bool> ExportAsync(IServiceProvider services, Core.Identity.Principal principal, Guid jobId, string format, string? output, CancellationToken cancellationToken)
    {
        var exports = services.GetRequiredService<ExportService>();
        var (export, _) = await exports.RequestAsync(principal, jobId, format, null, cancellationToken).ConfigureAwait(false);
        using (var stop = new CancellationTokenSource())
        {
            var worker = JobsModule.RunJobsAsync(services, [export.EngineJobId!.Value], stop.Token);
            try
            {
                while (export.Status is ExportStatus.Requested or ExportStatus.Running)
                {
                    if (worker.IsCompleted) await worker.ConfigureAwait(false);
                    await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                    (export, _) = await exports.GetAsync(principal, export.Id, CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await worker.ConfigureAwait(false);
            }
        }
        if (export.Status != ExportStatus.Succeeded)
        {
            Console.Error.WriteLine($"export {export.Id} {export.Status}" + (export.FailureCode is { } code ? $" ({code}): {export.FailureMessage}" : ""));
            return false;
        }
        var path = Path.GetFullPath(output ?? ExportService.FileName(export));
        var blobs = services.GetRequiredService<IBlobStore>();
        await AtomicFile.WriteAsync(path, async (target, ct) =>
        {
            await using var bundle = await blobs.OpenReadAsync(export.BundleSha256!, ct).ConfigureAwait(false);
            await bundle.CopyToAsync(target, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine($"export {export.Id}: {export.Format} bundle of {export.BundleBytes} bytes written to {path}");
        return true;
    }

    private static async Task<GuideJob> WaitAsync(IServiceProvider services, GuideJobService guides, Core.Identity.Principal principal, GuideJob job, CancellationToken cancellationToken)
    {
        using var stop = new CancellationTokenSource();
        var worker = JobsModule.RunJobsAsync(services, [job.EngineJobId!.Value], stop.Token);
        var said = job.Status;
        try
        {
            while (job.Status != GuideJobStatus.Drafted && !GuideJobStatus.IsTerminal(job.Status))
            {
                if (worker.IsCompleted) await worker.ConfigureAwait(false);
                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                job = await guides.GetJobAsync(principal, job.Id, CancellationToken.None).ConfigureAwait(false);
                if (job.Status != said) Console.Error.WriteLine($"job {job.Id}: {said = job.Status}");
            }
            return job;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await guides.CancelAsync(principal, job.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await worker.ConfigureAwait(false);
        }
    }
}
