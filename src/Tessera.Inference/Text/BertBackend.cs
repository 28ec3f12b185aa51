namespace Tessera.Inference.Text;

/// <summary>What runs the packaged BERT text models.</summary>
public enum BertBackend
{
    /// <summary>Whichever was faster on one thread in bench/bert (<see cref="Embeddings.PretrainedEmbedders.MeasuredBackend"/>).</summary>
    Measured,

    /// <summary>ONNX Runtime on the packaged ONNX file.</summary>
    OnnxRuntime,

    /// <summary>The in-house engine on a safetensors folder imported from the packaged ONNX file on first use.</summary>
    Engine,
}
