using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data.Migrations;
using Tessera.Guides.Anchors;
using Tessera.Guides.Api;
using Tessera.Guides.Callbacks;
using Tessera.Guides.Cli;
using Tessera.Guides.Exports;
using Tessera.Guides.Instructions;
using Tessera.Guides.Instructions.Writers;
using Tessera.Guides.Jobs;
using Tessera.Guides.Processing;
using Tessera.Guides.Processing.Speech;
using Tessera.Guides.Regeneration;
using Tessera.Guides.Screenshots;
using Tessera.Guides.Web;
using Tessera.Platform.Modules;
using Tessera.Platform.Web;

namespace Tessera.Guides;

/// <summary>
/// System 3: a narrated screen recording turned into step-by-step instructions, on a strict, idempotent job contract
/// (<c>spec/openapi.json</c>). This version: projects, jobs and their state machine, upload, run, cancel, retry,
/// signed worker callbacks, the default worker's media, transcript and draft stages, versioned instructions, anchors
/// with their screenshot assets and annotations, screenshots taken at chosen times or uploaded, and exports.
/// </summary>
public sealed class GuidesModule : TesseraModule
{
    /// <summary>The Guides tables, for tests that migrate a database without a server.</summary>
    public static MigrationSet Schema { get; } = MigrationSet.FromAssembly("guides", typeof(GuidesModule).Assembly);

    public override string Name => "guides";

    public override string Description => "Narrated screen recordings turned into step-by-step instructions: projects, jobs on a strict state machine, signed worker callbacks, frames and transcripts with ffmpeg.";

    public override MigrationSet Migrations => Schema;

    public override void AddServices(ModuleServices registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddSettings<GuidesSettings>().AddBlobReferences("guides_jobs", "video_sha256").AddBlobReferences("guides_job_blobs", "blob_sha256")
            .AddBlobReferences("guides_exports", "bundle_sha256").AddBlobReferences("guides_assets", "sha256");
        registrar.Services.AddSingleton<GuideJobService>();
        registrar.Services.AddSingleton<CallbackService>();
        registrar.Services.AddSingleton<InstructionService>();
        registrar.Services.AddSingleton<MediaTools>();
        registrar.Services.AddSingleton<ScreenReader>();
        registrar.Services.AddSingleton<ISpeechRecognizer, PocketsphinxRecognizer>();
        registrar.Services.AddSingleton<ISpeechRecognizer, RemoteSpeechRecognizer>();
        registrar.Services.AddSingleton<IStepWriter, RuleStepWriter>();
        registrar.Services.AddSingleton<IStepWriter, RemoteStepWriter>();
        registrar.Services.AddSingleton<StepWriters>();
        registrar.Services.AddSingleton<RegenerateService>();
        registrar.Services.AddSingleton<WhisperModels>();
        registrar.Services.AddSingleton<WhisperEngine>();
        registrar.Services.AddSingleton<RecognizerChoice>();
        registrar.Services.AddSingleton<ExportService>();
        registrar.Services.AddSingleton<AnchorService>();
        registrar.Services.AddSingleton<AnnotationRenderer>();
        registrar.Services.AddSingleton<ScreenshotService>();
        registrar.Services.AddSingleton<ScreenshotUploadService>();
        registrar.AddJobHandler<ProcessJobHandler>();
        registrar.AddJobHandler<ExportJobHandler>();
        registrar.AddJobHandler<RegenerateJobHandler>();
        registrar.AddJobHandler<ScreenshotJobHandler>();
    }

    public override void MapEndpoints(RouteGroupBuilder group) => group.MapGuides();

    public override ModulePages Pages => GuidesUi.Pages;

    /// <summary>The verbs; the CLI groups them under <c>tessera guides</c> itself.</summary>
    public override IEnumerable<Command> Commands(IModuleCommandHost host) => [MakeCommand.Create(host)];
}
