using Microsoft.ML.OnnxRuntime;
using Tessera.Core.Hashing;

namespace Tessera.Inference.Onnx;

/// <summary>
/// One ONNX model loaded into one <see cref="InferenceSession"/>, with the sha256 of the model bytes. ONNX Runtime
/// allows concurrent <c>Run</c> calls on a session, so one instance serves the whole process; the registry keeps it.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly SessionOptions _sessionOptions;

    private OnnxModel(InferenceSession session, SessionOptions sessionOptions, string sha256, ModelFile file)
    {
        Session = session;
        _sessionOptions = sessionOptions;
        Sha256 = sha256;
        File = file;
    }

    public InferenceSession Session { get; }

    /// <summary>Lower-case hex sha256 of the ONNX bytes.</summary>
    public string Sha256 { get; }

    public ModelFile File { get; }

    public static OnnxModel Load(ModelFile file, OnnxRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        var bytes = file.ReadAllBytes();
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            return new OnnxModel(new InferenceSession(bytes, sessionOptions), sessionOptions, Sha256Hex.Of(bytes), file);
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        _sessionOptions.Dispose();
    }
}
