namespace Tessera.Inference.Tokenizers;

/// <summary>The 33-token ESM-2 alphabet, in id order, as fair-esm and the HF <c>vocab.txt</c> define it.</summary>
internal static class EsmAlphabet
{
    public const int ClsId = 0;
    public const int PadId = 1;
    public const int EosId = 2;
    public const int UnkId = 3;
    public const int MaskId = 32;

    public static IReadOnlyList<string> Tokens { get; } =
    [
        "<cls>", "<pad>", "<eos>", "<unk>",
        "L", "A", "G", "V", "S", "E", "R", "T", "I", "D", "P", "K", "Q", "N", "F", "Y", "M", "H", "W", "C",
        "X", "B", "U", "Z", "O", ".", "-", "<null_1>", "<mask>",
    ];
}
