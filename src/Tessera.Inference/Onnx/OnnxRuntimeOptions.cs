namespace Tessera.Inference.Onnx;

/// <summary>How the packaged models run: ONNX Runtime sessions, and which backend runs the BERT text models.</summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>Threads one inference call may use inside an operator (matrix products); 0 lets ONNX Runtime pick one per core.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Texts (or images) run together through the network; a batch is padded to its longest member.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The folder holding the packaged models (<c>models/</c> beside the app, where the build copies them).</summary>
    public string ModelsDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>What runs the packaged BERT text models (MiniLM, Arctic-xs); the engine uses <see cref="IntraOpThreads"/> threads too.</summary>
    public Text.BertBackend BertBackend { get; init; } = Text.BertBackend.Measured;

    /// <summary>Where a packaged model is imported for the engine on first use (the platform points it into its data folder).</summary>
    public string ImportedModelsDirectory { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tessera", "models");
}
