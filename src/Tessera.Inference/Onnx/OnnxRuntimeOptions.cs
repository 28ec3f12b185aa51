namespace Tessera.Inference.Onnx;

/// <summary>How ONNX Runtime sessions run.</summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>Threads one inference call may use inside an operator (matrix products); 0 lets ONNX Runtime pick one per core.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Texts (or images) run together through the network; a batch is padded to its longest member.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The folder holding the packaged models (<c>models/</c> beside the app, where the build copies them).</summary>
    public string ModelsDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "models");
}
