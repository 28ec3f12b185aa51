using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Identity;
using Tessera.Platform.Modules;
using Tessera.Omics.Runs;
using Tessera.Omics.Search;
using Tessera.Omics.Storage;

namespace Tessera.Omics.Demo;

/// <summary>
/// The demo `tessera up` seeds: the bundled peptides (see Demo/README.md) stored once as the demo user's run,
/// embedded by the job engine, then searched once so the whole chain is shown working.
/// </summary>
internal sealed class OmicsDemo(OmicsRunSubmission submissions, OmicsRunReader runs, OmicsSearchService search, TimeProvider time)
{
    public const string RunName = "demo peptides (modlAMP)";
    public static readonly TimeSpan EmbeddingTimeout = TimeSpan.FromMinutes(5);

    public sealed record Result(OmicsRun Run, string Query, OmicsSearchService.Response? Search);

    /// <summary>Seeds the demo run, waits for the job engine to embed and index it, and prints a sample search.</summary>
    public static async Task SeedAndReportAsync(DemoContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var output = context.Output;
        if (context.WorkersRunning) await output.WriteLineAsync("  omics demo: embedding and indexing 300 bundled peptides…").ConfigureAwait(false);
        var demo = await context.Services.GetRequiredService<OmicsDemo>().SeedAsync(context.Owner, context.WorkersRunning, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"  omics demo run {demo.Run.Id} ({demo.Run.PeptideCount} peptides): {demo.Run.State}").ConfigureAwait(false);
        if (demo.Search is null)
        {
            await output.WriteLineAsync(context.WorkersRunning
                ? "  omics demo: the embedding job has not finished yet; see GET /api/v1/jobs/" + demo.Run.JobId
                : "  omics demo: no in-process workers (--workers 0); run 'tessera worker' to embed the demo run.").ConfigureAwait(false);
            return;
        }
        await output.WriteLineAsync($"  sample search for {demo.Query} ({demo.Search.Embedder}):").ConfigureAwait(false);
        foreach (var hit in demo.Search.Hits) await output.WriteLineAsync($"    {hit.Score:0.000}  {hit.Sequence}").ConfigureAwait(false);
    }

    /// <summary>Seeds the run if the owner has none yet; waits for its embedding when <paramref name="waitForEmbedding"/>.</summary>
    public async Task<Result> SeedAsync(Principal owner, bool waitForEmbedding, CancellationToken cancellationToken)
    {
        var run = (await runs.ListAsync(owner, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(r => r.Name == RunName && r.State != OmicsRunStates.Failed);
        if (run is null)
        {
            await using var fasta = typeof(OmicsDemo).Assembly.GetManifestResourceStream("demo/demo-peptides.fasta")!;
            run = (await submissions.SubmitAsync(owner, new OmicsUploadService.Upload(fasta, "demo-peptides.fasta", RunName), null, cancellationToken).ConfigureAwait(false)).Run;
        }

        const string query = "GLWSKIKEVGKEAAKAAAKAAGKAALGAVSEAV";
        if (!waitForEmbedding) return new Result(run, query, null);
        var deadline = time.GetUtcNow() + EmbeddingTimeout;
        while (run.State != OmicsRunStates.Embedded && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
            run = await runs.GetAsync(owner, run.Id, cancellationToken).ConfigureAwait(false);
        }
        if (run.State != OmicsRunStates.Embedded) return new Result(run, query, null);
        var found = await search.SearchAsync(owner, new OmicsSearchService.Request(query, null, 5, [run.Id]), cancellationToken).ConfigureAwait(false);
        return new Result(run, query, found);
    }
}
