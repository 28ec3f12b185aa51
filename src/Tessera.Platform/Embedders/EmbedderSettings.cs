using Microsoft.Extensions.Configuration;
using Tessera.Core.Errors;
using Tessera.Inference.Onnx;
using Tessera.Inference.Text;

namespace Tessera.Platform.Embedders;

/// <summary>
/// <c>embedders:intra_op_threads</c> (threads one ONNX inference call may use; default 1, 0 = one per core) and
/// <c>embedders:batch_size</c> (texts or images per network run; default 16) and <c>embedders:bert_backend</c>
/// (<c>measured</c>, the default: the faster per model as measured in bench/bert; <c>onnxruntime</c>; <c>engine</c>).
/// On the engine, models are imported on first use under <c>&lt;data_dir&gt;/models</c>, beside the deployment's other data.
/// </summary>
public static class EmbedderSettings
{
    public const string ThreadsKey = "embedders:intra_op_threads";
    public const string BatchKey = "embedders:batch_size";
    public const string BackendKey = "embedders:bert_backend";

    public static OnnxRuntimeOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new OnnxRuntimeOptions();
        var dataDir = configuration["data_dir"];
        return defaults with
        {
            ImportedModelsDirectory = string.IsNullOrWhiteSpace(dataDir) ? defaults.ImportedModelsDirectory : Path.Combine(dataDir, "models"),
            IntraOpThreads = SettingValues.WholeNumber(configuration, ThreadsKey, defaults.IntraOpThreads, minimum: 0),
            BatchSize = SettingValues.WholeNumber(configuration, BatchKey, defaults.BatchSize, minimum: 1),
            BertBackend = configuration[BackendKey]?.Trim() switch
            {
                null or "" or "measured" => BertBackend.Measured,
                "onnxruntime" => BertBackend.OnnxRuntime,
                "engine" => BertBackend.Engine,
                var other => throw TesseraException.Validation($"Setting '{BackendKey}' is '{other}', but must be measured, onnxruntime or engine."),
            },
        };
    }
}
