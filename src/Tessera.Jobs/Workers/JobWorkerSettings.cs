namespace Tessera.Jobs;

/// <summary>One worker's shape: how many jobs it runs at once, and which kinds (null: every kind it has a handler for).</summary>
internal sealed record JobWorkerSettings(int Concurrency, IReadOnlyCollection<string>? Kinds = null);
