using Tessera.Vectors.Hnsw;

namespace Tessera.Vectors.Collections;

/// <summary>What a module declares about a collection: its name (unique in a deployment), distance and index parameters.</summary>
public sealed record VectorCollectionDefinition(string Name, DistanceMetric Metric, HnswOptions Options)
{
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || !Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"A collection name is lower-case letters, digits, '-' and '_' (got '{Name}').", nameof(Name));
        Options.Validate();
    }
}
