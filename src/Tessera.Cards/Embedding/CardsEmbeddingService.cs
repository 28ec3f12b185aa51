using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Tessera.Cards.Download;
using Tessera.Cards.Identify;
using Tessera.Cards.Storage;
using Tessera.Cards.Validation;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Inference.Embeddings;

namespace Tessera.Cards.Embedding;

/// <summary>
/// Embeds an organization's downloaded catalog images of one size with one image model. Images already embedded
/// from the same URL by the same model are skipped, so a rerun after an interruption only embeds what is left. Work
/// is committed every <see cref="EmbedRequest.CheckpointEvery"/> images together with a checkpoint file
/// (<see cref="EmbedCheckpoint"/>) that is removed when the run completes. Every vector must have unit norm
/// (1 ± 1e-5) before it is stored for the inner-product index; an image that does not decode, or a vector that is
/// not unit length, is reported and left out. What is embedded is each card's art box (<see cref="CardArt"/>).
/// </summary>
internal sealed class CardsEmbeddingService(
    TesseraDatabase database, ImageFiles files, CardsEmbedderChoice embedders, TimeProvider time, ILogger<CardsEmbeddingService> logger)
{
    public const double NormTolerance = 1e-5;

    public Task<EmbedReport> EmbedAsync(Principal owner, EmbedRequest request, Func<int, int, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        owner.Require(Permissions.RunsWrite);
        return EmbedAsync(owner.OrgId, request, progress, cancellationToken);
    }

    /// <summary>The organization's run, for a job whose owner was authorized when it was enqueued.</summary>
    internal async Task<EmbedReport> EmbedAsync(Guid orgId, EmbedRequest request, Func<int, int, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var (embedder, fallback) = await embedders.GetAsync(request.Model, cancellationToken).ConfigureAwait(false);
        if (fallback is not null) CardsLog.ClassicalFallback(logger, fallback);
        var descriptor = embedder.Descriptor;

        IReadOnlyList<EmbeddingRows.ImageToEmbed> images;
        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            images = await EmbeddingRows.ImagesAsync(c, orgId, request.Size, descriptor.Name, descriptor.ModelHash, cancellationToken).ConfigureAwait(false);
        if (images.Count == 0)
            throw new TesseraException(CardsErrorCodes.CacheEmpty, 409, $"No {request.Size} images are downloaded yet: run 'tessera cards download --size {request.Size}' first.");
        var todo = images.Where(i => !i.Embedded).ToList();
        if (request.Limit is { } limit) todo = todo.Take(limit).ToList();
        var skipped = images.Count - todo.Count;

        var folder = files.Folder(orgId);
        var checkpointPath = EmbedCheckpoint.PathFor(Path.GetDirectoryName(folder)!, request.Size);
        var previous = EmbedCheckpoint.TryLoad(checkpointPath);
        var runId = Guid.CreateVersion7();
        var checkpoint = new EmbedCheckpoint(runId, descriptor.Name, descriptor.ModelHash, request.Size, request.BatchSize, request.CheckpointEvery, request.Limit, 0, time.GetUtcNow());
        var warnings = previous?.DifferencesFrom(checkpoint) ?? [];
        foreach (var warning in warnings) CardsLog.CheckpointDiffers(logger, warning);

        await using (var c = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await EmbedRunRows.StartAsync(c, runId, orgId, descriptor.Name, descriptor.ModelHash, request.Size, images.Count, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var failures = new List<EmbedFailure>();
        var embedded = 0;
        var report = new EmbedReport(runId, descriptor.Name, descriptor.ModelHash, request.Size, images.Count, 0, skipped, failures, previous is not null, warnings, fallback, 0);
        try
        {
            checkpoint.Save(checkpointPath);
            foreach (var chunk in todo.Chunk(request.CheckpointEvery))
            {
                var (vectors, bad) = await EmbedChunkAsync(embedder, folder, chunk, request.BatchSize, cancellationToken).ConfigureAwait(false);
                await database.InTransactionAsync(async (c, t) =>
                {
                    await EmbeddingRows.LockDeletionsAsync(c, t, database.Dialect, cancellationToken).ConfigureAwait(false);
                    await EmbeddingRows.StoreAsync(c, t, orgId, descriptor.Name, descriptor.ModelHash, vectors, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                embedded += vectors.Count;
                failures.AddRange(bad);
                checkpoint = checkpoint with { Done = embedded + failures.Count, SavedAt = time.GetUtcNow() };
                checkpoint.Save(checkpointPath);
                if (progress is not null) await progress(embedded + failures.Count, todo.Count).ConfigureAwait(false);
            }
            report = report with { Embedded = embedded, Seconds = clock.Elapsed.TotalSeconds };
            if (todo.Count > 0 && embedded == 0)
                throw new TesseraException(CardsErrorCodes.NoValidImages, 422,
                    $"None of the {todo.Count} images could be embedded ({string.Join(", ", failures.GroupBy(f => f.Reason).Select(g => $"{g.Count()} {g.Key}"))}); run 'tessera cards validate --fix' and download again.");
            await FinishAsync(orgId, report, "completed").ConfigureAwait(false);
            File.Delete(checkpointPath);
            return report;
        }
        catch
        {
            // The checkpoint file stays, so the rerun says it resumes; the committed vectors are kept either way.
            await FinishAsync(orgId, report with { Embedded = embedded, Seconds = clock.Elapsed.TotalSeconds }, "failed").ConfigureAwait(false);
            throw;
        }
    }

    private async Task FinishAsync(Guid orgId, EmbedReport report, string state)
    {
        await using var c = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await EmbedRunRows.FinishAsync(c, orgId, report, state, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Embeds one chunk, a batch per core at a time; the vectors come back in the chunk's order.</summary>
    private static async Task<(List<EmbeddingRows.EmbeddedImage> Vectors, List<EmbedFailure> Failures)> EmbedChunkAsync(
        ITesseraImageEmbedder embedder, string folder, EmbeddingRows.ImageToEmbed[] chunk, int batchSize, CancellationToken cancellationToken)
    {
        var results = new float[chunk.Length][];
        var failures = new ConcurrentBag<(int Index, EmbedFailure Failure)>();
        var batches = Enumerable.Range(0, (chunk.Length + batchSize - 1) / batchSize);
        await Parallel.ForEachAsync(batches, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, async (batch, ct) =>
        {
            for (var i = batch * batchSize; i < Math.Min(chunk.Length, (batch + 1) * batchSize); i++)
            {
                var image = chunk[i];
                var (vector, reason) = await EmbedOneAsync(embedder, Path.Combine(folder, image.FileName), ct).ConfigureAwait(false);
                if (vector is not null) results[i] = vector;
                else failures.Add((i, new EmbedFailure(image.CardId, image.Face, image.FileName, reason!)));
            }
        }).ConfigureAwait(false);
        var vectors = new List<EmbeddingRows.EmbeddedImage>(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
            if (results[i] is { } v) vectors.Add(new EmbeddingRows.EmbeddedImage(chunk[i].CardId, chunk[i].Face, chunk[i].Url, v));
        return (vectors, failures.OrderBy(f => f.Index).Select(f => f.Failure).ToList());
    }

    /// <summary>
    /// The vector of one cached card image's art box (<see cref="CardArt"/>), or why there is none. The file is decoded
    /// completely first (<see cref="ImageCheck"/>), so a truncated image is refused rather than embedded half grey.
    /// </summary>
    private static async Task<(float[]? Vector, string? Reason)> EmbedOneAsync(ITesseraImageEmbedder embedder, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return (null, "missing_file");
        if (ImageCheck.Problem(path, minSide: 1) is { } problem) return (null, problem);
        byte[] art;
        try
        {
            art = CardArt.Crop(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (TesseraException e) when (e.Status is >= 400 and < 500)
        {
            return (null, "undecodable");
        }
        var generated = await embedder.GenerateAsync([new DataContent(art, "image/bmp")], cancellationToken: cancellationToken).ConfigureAwait(false);
        var vector = generated[0].Vector.ToArray();
        return UnitNorm(vector) ? (vector, null) : (null, "not_unit_norm");
    }

    /// <summary>Whether the vector's length is 1 within <see cref="NormTolerance"/>, as an inner-product index needs.</summary>
    public static bool UnitNorm(ReadOnlySpan<float> vector)
    {
        var sum = 0.0;
        foreach (var v in vector) sum += (double)v * v;
        return Math.Abs(Math.Sqrt(sum) - 1) <= NormTolerance;
    }
}
