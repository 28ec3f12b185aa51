using Tessera.Testing;
using Tessera.Core.Errors;
using Tessera.Inference.Esm;
using Tessera.Inference.Kernels;
using Tessera.Inference.SafeTensors;

namespace Tessera.Inference.Tests;

/// <summary>Loading HF checkpoint folders: F16/BF16 widening, and a clear error for each way a folder can be wrong.</summary>
public sealed class CheckpointLoadingTests
{
    private static readonly int[] Probes = [8, 9, 17, 30];

    [Theory]
    [InlineData(nameof(SafeTensorDType.BF16))]
    [InlineData(nameof(SafeTensorDType.F16))]
    public void Half_precision_weights_equal_a_float32_model_of_the_same_rounded_weights(string dtypeName)
    {
        var dtype = Enum.Parse<SafeTensorDType>(dtypeName);
        Func<float, float> round = dtype == SafeTensorDType.BF16 ? FixtureCheckpoint.RoundToBFloat16 : FixtureCheckpoint.RoundToHalf;
        using var narrow = new TempDirectory();
        using var rounded = new TempDirectory();
        FixtureCheckpoint.Write(narrow.Path, (name, values, shape) => new SafeTensorToWrite(name, values, shape, dtype));
        FixtureCheckpoint.Write(rounded.Path, (name, values, shape) => new SafeTensorToWrite(name, values.Select(round).ToArray(), shape));
        var narrowModel = EsmModel.Load(narrow.Path);
        var roundedModel = EsmModel.Load(rounded.Path);
        using var file = SafeTensorsFile.Open(narrow.File("model.safetensors"));
        Assert.All(file.Tensors, t => Assert.Equal(dtype, t.DType));

        foreach (var number in Probes)
        {
            var tokens = Fixtures.EsmReference[$"s{number:D2}_tokens"].ToInt64().Select(id => (int)id).ToArray();
            var fromNarrow = narrowModel.Encoder.Forward([tokens], new ActivationWorkspace(), ComputeThreads.Single).ToArray();
            var fromRounded = roundedModel.Encoder.Forward([tokens], new ActivationWorkspace(), ComputeThreads.Single).ToArray();
            Assert.Equal(fromRounded, fromNarrow);
            // Rounding the weights moves the output a little from the float32 reference (seen: 2e-2 for BF16, 3e-3 for F16).
            EsmFixtureTests.AssertClose(Fixtures.EsmReference[$"s{number:D2}_hidden_f64"].ToFloat64(), fromNarrow, $"{dtype} s{number}", dtype == SafeTensorDType.BF16 ? 0.06 : 0.01);
        }
    }

    [Fact]
    public void A_missing_folder_config_or_weights_file_is_named()
    {
        using var directory = new TempDirectory();
        var missingFolder = Assert.Throws<TesseraException>(() => EsmModel.Load(directory.File("absent")));
        Assert.Contains("Model folder not found", missingFolder.Message, StringComparison.Ordinal);
        Assert.Contains("config.json", Assert.Throws<TesseraException>(() => EsmModel.Load(directory.Path)).Message, StringComparison.Ordinal);
        File.Copy(Path.Combine(Fixtures.EsmTiny, "config.json"), directory.File("config.json"));
        Assert.Contains("model.safetensors", Assert.Throws<TesseraException>(() => EsmModel.Load(directory.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_architecture_is_named()
    {
        using var directory = new TempDirectory();
        FixtureCheckpoint.Write(directory.Path, (name, values, shape) => new SafeTensorToWrite(name, values, shape));
        var config = File.ReadAllText(directory.File("config.json")).Replace("EsmForMaskedLM", "BertModel", StringComparison.Ordinal).Replace("\"esm\"", "\"bert\"", StringComparison.Ordinal);
        File.WriteAllText(directory.File("config.json"), config);
        var error = Assert.Throws<TesseraException>(() => EsmModel.Load(directory.Path));
        Assert.Contains("Unknown architecture 'BertModel'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_with_the_wrong_shape_is_named_with_both_shapes()
    {
        using var directory = new TempDirectory();
        const string target = "esm.encoder.layer.1.intermediate.dense.weight";
        FixtureCheckpoint.Write(directory.Path, (name, values, shape) =>
            name == target ? new SafeTensorToWrite(name, values, [shape[1], shape[0]]) : new SafeTensorToWrite(name, values, shape));
        var error = Assert.Throws<TesseraException>(() => EsmModel.Load(directory.Path));
        Assert.Contains($"'{target}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("has shape [64, 128], expected [128, 64]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_misnamed_tensor_is_named()
    {
        using var directory = new TempDirectory();
        FixtureCheckpoint.Write(directory.Path, (name, values, shape) =>
            new SafeTensorToWrite(name.Replace("attention.self.key.bias", "attention.self.k.bias", StringComparison.Ordinal), values, shape));
        var error = Assert.Throws<TesseraException>(() => EsmModel.Load(directory.Path));
        Assert.Contains("'esm.encoder.layer.0.attention.self.key.bias' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_without_the_esm_prefix_loads_like_EsmModel()
    {
        using var directory = new TempDirectory();
        FixtureCheckpoint.Write(directory.Path, (name, values, shape) =>
            name.StartsWith("esm.", StringComparison.Ordinal) ? new SafeTensorToWrite(name[4..], values, shape) : null);
        var tokens = Fixtures.EsmReference["s08_tokens"].ToInt64().Select(id => (int)id).ToArray();
        var hidden = EsmModel.Load(directory.Path).Encoder.Forward([tokens], new ActivationWorkspace(), ComputeThreads.Single).ToArray();
        EsmFixtureTests.AssertClose(Fixtures.EsmReference["s08_hidden_f64"].ToFloat64(), hidden, "unprefixed");
    }

    [Fact]
    public void Truncated_and_malformed_files_fail_on_open()
    {
        using var directory = new TempDirectory();
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.EsmTiny, "model.safetensors"));
        File.WriteAllBytes(directory.File("truncated.safetensors"), bytes[..(bytes.Length - 100)]);
        var truncated = Assert.Throws<TesseraException>(() => SafeTensorsFile.Open(directory.File("truncated.safetensors")));
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);

        var garbage = (byte[])bytes.Clone();
        garbage[8] = (byte)'#';
        File.WriteAllBytes(directory.File("garbage.safetensors"), garbage);
        Assert.Contains("not valid JSON", Assert.Throws<TesseraException>(() => SafeTensorsFile.Open(directory.File("garbage.safetensors"))).Message, StringComparison.Ordinal);

        File.WriteAllBytes(directory.File("tiny.safetensors"), [1, 2, 3]);
        Assert.Contains("shorter than", Assert.Throws<TesseraException>(() => SafeTensorsFile.Open(directory.File("tiny.safetensors"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_is_parsed_with_its_metadata_and_every_tensor()
    {
        using var file = SafeTensorsFile.Open(Path.Combine(Fixtures.EsmTiny, "model.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(46, file.Tensors.Count());
        Assert.Equal(SafeTensorDType.I64, file.Get("esm.embeddings.position_ids").DType);
    }

    [Fact]
    public void Model_hash_is_the_sha256_of_the_weights_file()
    {
        var model = EsmModel.Load(Fixtures.EsmTiny);
        using var stream = File.OpenRead(Path.Combine(Fixtures.EsmTiny, "model.safetensors"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)), model.ModelHash);
    }
}
