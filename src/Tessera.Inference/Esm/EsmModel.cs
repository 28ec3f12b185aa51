using Tessera.Core.Hashing;
using Tessera.Inference.Checkpoints;
using Tessera.Inference.Kernels;
using Tessera.Inference.SafeTensors;
using Tessera.Inference.Tokenizers;

namespace Tessera.Inference.Esm;

/// <summary>A loaded ESM-2 checkpoint: config, tokenizer, packed weights and the sha256 of its weights file.</summary>
internal sealed class EsmModel
{
    private EsmModel(string name, string modelHash, EsmTokenizer tokenizer, EsmEncoder encoder)
    {
        Name = name;
        ModelHash = modelHash;
        Tokenizer = tokenizer;
        Encoder = encoder;
    }

    public string Name { get; }

    /// <summary>sha256 of <c>model.safetensors</c>: identifies the exact weights every vector came from.</summary>
    public string ModelHash { get; }

    public EsmTokenizer Tokenizer { get; }

    public EsmEncoder Encoder { get; }

    public EsmConfig Config => Encoder.Config;

    public static EsmModel Load(string directory, SimdPath? path = null)
    {
        var folder = HfCheckpointFolder.Open(directory);
        var config = EsmConfig.From(folder);
        var vocabulary = folder.OptionalFile("vocab.txt");
        var tokenizer = vocabulary is null ? EsmTokenizer.Default : EsmTokenizer.FromVocabularyFile(vocabulary);
        if (tokenizer.Vocabulary.Count != config.VocabularySize)
            throw Core.Errors.TesseraException.Validation($"vocab.txt in {folder.Directory} has {tokenizer.Vocabulary.Count} tokens but config.json says vocab_size {config.VocabularySize}.");
        EsmWeights weights;
        using (var file = SafeTensorsFile.Open(folder.WeightsPath))
        {
            weights = EsmWeights.Load(file, config);
        }
        string hash;
        using (var stream = File.OpenRead(folder.WeightsPath))
        {
            hash = Sha256Hex.Of(stream);
        }
        var name = folder.String("_name_or_path") is { Length: > 0 } named ? Path.GetFileName(named.TrimEnd('/')) : Path.GetFileName(folder.Directory);
        return new EsmModel(name, hash, tokenizer, new EsmEncoder(weights, path ?? SimdPaths.Best));
    }
}
