namespace Tessera.Inference.Embeddings;

/// <summary>What every embedder has, whatever it takes as input: the descriptor to store beside each vector.</summary>
public interface IEmbedderModel : IDisposable
{
    EmbedderDescriptor Descriptor { get; }
}
