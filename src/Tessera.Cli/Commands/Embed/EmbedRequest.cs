using Tessera.Inference.Esm;

namespace Tessera.Cli.Commands.Embed;

/// <summary>The parsed arguments of <c>tessera embed</c>.</summary>
internal sealed record EmbedRequest(
    string Model,
    string Input,
    string Output,
    string? PerResidueDirectory,
    EsmEmbeddingOptions Options,
    EmbedInputFormat Format = EmbedInputFormat.Auto,
    string TextField = "text");
