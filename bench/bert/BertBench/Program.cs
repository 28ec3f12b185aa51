// MiniLM on the in-house engine beside ONNX Runtime, same weights (imported once from the packaged ONNX file) and
// the same token ids, in one process: batch × tokens = 1×16, 1×128, 32×128 at 1 and 2 threads (ORT intra-op
// threads = engine threads). Each cell: warm-up, then repeated timed runs of the network alone; medians.
//   dotnet BertBench.dll [repeats] [import folder]
using System.Diagnostics;
using System.Globalization;
using Tessera.Inference.Bert;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Kernels;
using Tessera.Inference.Onnx;
using Tessera.Inference.Text;

var repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var folder = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "tessera-bertbench-minilm");
var model = PretrainedEmbedders.MiniLmModel(new OnnxRuntimeOptions().ModelsDirectory);
if (!Directory.Exists(folder)) BertModelImport.Import(model, folder);
var checkpoint = BertCheckpointFolder.Load(folder);
Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}; affinity: {Environment.ProcessorCount} cpus; simd: {checkpoint.Encoder.Path}; repeats: {repeats}");
Console.WriteLine("threads\tbatch×tokens\tengine ms\tORT ms\tengine/ORT speed\tmax |Δ| state");

foreach (var threads in new[] { 1, 2 })
{
    using var onnx = OnnxModel.Load(model.Onnx, new OnnxRuntimeOptions { IntraOpThreads = threads });
    var ort = new OnnxBertTokenEncoder(onnx, model.Name, padId: 0);
    var engine = new EngineBertTokenEncoder(checkpoint.Encoder, new ComputeThreads(threads));
    foreach (var (batch, tokens) in new[] { (1, 16), (1, 128), (32, 128) })
    {
        var ids = Tokens(batch, tokens);
        var difference = MaxDifference(engine, ort, ids);
        var engineMs = Median(() => engine.Encode(ids, (_, _) => { }), repeats);
        var ortMs = Median(() => ort.Encode(ids, (_, _) => { }), repeats);
        Console.WriteLine(FormattableString.Invariant($"{threads}\t{batch}×{tokens}\t{engineMs:F3}\t{ortMs:F3}\t{ortMs / engineMs:F2}×\t{difference:E1}"));
    }
}
Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");

// Real vocabulary ids (no [PAD]/[UNK]/specials), framed [CLS] … [SEP], deterministic.
static long[][] Tokens(int batch, int tokens)
{
    var random = new Random(batch * 1000 + tokens);
    return Enumerable.Range(0, batch).Select(_ =>
    {
        var ids = new long[tokens];
        ids[0] = 101;
        for (var i = 1; i < tokens - 1; i++) ids[i] = random.Next(1996, 29612);
        ids[^1] = 102;
        return ids;
    }).ToArray();
}

static double Median(Action run, int repeats)
{
    for (var i = 0; i < 3; i++) run();
    var times = new double[repeats];
    for (var i = 0; i < repeats; i++)
    {
        var start = Stopwatch.GetTimestamp();
        run();
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    Array.Sort(times);
    return times[repeats / 2];
}

static float MaxDifference(IBertTokenEncoder a, IBertTokenEncoder b, long[][] ids)
{
    var first = new float[ids.Length][];
    a.Encode(ids, (r, s) => first[r] = s.ToArray());
    var max = 0f;
    b.Encode(ids, (r, s) =>
    {
        for (var i = 0; i < s.Length; i++) max = Math.Max(max, Math.Abs(s[i] - first[r][i]));
    });
    return max;
}
