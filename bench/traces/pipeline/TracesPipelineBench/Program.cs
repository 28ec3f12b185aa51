// The two halves of bench/traces/pipeline/run.sh that the CLI does not print:
//   TracesPipelineBench embed TEXTS_FILE THREADS CHUNK   MiniLM alone on the pipeline's texts (one a line), loaded and
//                                                       called the way ingestion does: CHUNK texts per call, no warm-up;
//                                                       prints one JSON object.
//   TracesPipelineBench rows FILE.parquet…              the row count of each Parquet file, one a line.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parquet;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;

return args[0] switch
{
    "embed" => await EmbedAloneAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)),
    "rows" => await CountRowsAsync(args[1..]),
    _ => throw new ArgumentException($"Unknown verb '{args[0]}': embed or rows."),
};

static async Task<int> EmbedAloneAsync(string textsFile, int threads, int chunk)
{
    var texts = await File.ReadAllLinesAsync(textsFile);
    // The options ingestion's embedder gets from embedders:intra_op_threads, with the default batch size.
    var options = new OnnxRuntimeOptions { IntraOpThreads = threads };
    var loading = Stopwatch.StartNew();
    using var embedder = PretrainedEmbedders.LoadText(PretrainedEmbedders.MiniLmModel(options.ModelsDirectory), options);
    var loadSeconds = loading.Elapsed.TotalSeconds;

    var embedding = Stopwatch.StartNew();
    for (var start = 0; start < texts.Length; start += chunk)
        await embedder.GenerateAsync(texts[start..Math.Min(texts.Length, start + chunk)]);
    var seconds = embedding.Elapsed.TotalSeconds;
    Console.WriteLine(JsonSerializer.Serialize(new { texts = texts.Length, load_s = loadSeconds, embed_s = seconds, texts_per_s = texts.Length / seconds }));
    return 0;
}

static async Task<int> CountRowsAsync(string[] files)
{
    foreach (var file in files)
    {
        await using var reader = await ParquetReader.CreateAsync(file);
        long rows = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            rows += rowGroup.RowCount;
        }
        Console.WriteLine(rows.ToString(CultureInfo.InvariantCulture));
    }
    return 0;
}
