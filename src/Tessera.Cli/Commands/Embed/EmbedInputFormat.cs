namespace Tessera.Cli.Commands.Embed;

/// <summary>What <c>tessera embed --input</c> holds; <see cref="Auto"/> decides from the path and first character.</summary>
internal enum EmbedInputFormat
{
    Auto,
    Fasta,
    Lines,
    Jsonl,
    Images,
}
