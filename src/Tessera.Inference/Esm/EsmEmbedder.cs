using Microsoft.Extensions.AI;
using Tessera.Inference.Embeddings;


namespace Tessera.Inference.Esm;

/// <summary>
/// ESM-2 protein embeddings from a Hugging Face checkpoint folder: mean-pooled last hidden state
/// (BOS/EOS excluded), optionally per residue. Load through <see cref="EmbedderRegistry"/> so a
/// model is loaded once per process. Thread-safe; concurrent calls take turns on the engine,
/// each using <see cref="EsmEmbeddingOptions.Threads"/> threads.
/// </summary>
public sealed class EsmEmbedder : ITesseraEmbedder
{
    private readonly EsmSequenceEmbedder _engine;
    private readonly TimeProvider _time;

    private EsmEmbedder(EsmSequenceEmbedder engine, EsmEmbeddingOptions options, TimeProvider time)
    {
        _engine = engine;
        _time = time;
        var policy = options.LongSequences == LongSequencePolicy.Chunk
            ? $"chunk(max_residues={engine.MaxResidues}, overlap={options.ChunkOverlap}, average)"
            : $"reject(max_residues={engine.MaxResidues})";
        Descriptor = new EmbedderDescriptor(engine.Model.Name, engine.Model.Config.Hidden, engine.Model.ModelHash, EmbeddingPooling.MeanOverResidues, policy)
        {
            Modality = EmbeddingModality.ProteinSequence,
        };
    }

    public EmbedderDescriptor Descriptor { get; }

    /// <summary>Loads a checkpoint folder (config.json, model.safetensors, vocab.txt). Prefer <see cref="EmbedderRegistry"/>.</summary>
    public static EsmEmbedder Load(string directory, EsmEmbeddingOptions? options = null, TimeProvider? time = null)
    {
        options ??= new EsmEmbeddingOptions();
        return new EsmEmbedder(new EsmSequenceEmbedder(EsmModel.Load(directory), options), options, time ?? TimeProvider.System);
    }

    /// <summary>Embeds protein sequences in input order; <paramref name="progress"/> counts finished sequences.</summary>
    public IReadOnlyList<EsmSequenceEmbedding> EmbedProteins(IReadOnlyList<string> sequences, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        _engine.Embed(sequences, perResidue: false, progress, cancellationToken);

    /// <summary>Like <see cref="EmbedProteins"/>, with per-residue states regardless of the configured option.</summary>
    public IReadOnlyList<EsmSequenceEmbedding> EmbedProteinsPerResidue(IReadOnlyList<string> sequences, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        _engine.Embed(sequences, perResidue: true, progress, cancellationToken);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sequences = values.ToArray();
        var embeddings = await Task.Run(() => _engine.Embed(sequences, perResidue: false, null, cancellationToken), cancellationToken).ConfigureAwait(false);
        return EmbeddingResults.From(embeddings.Select(e => e.Mean), Descriptor, _time);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => EmbeddingResults.Service(this, serviceType, serviceKey);

    /// <summary>Nothing to release: weights are managed arrays and the safetensors mapping is closed after loading.</summary>
    public void Dispose()
    {
    }
}
