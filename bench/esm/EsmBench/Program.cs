using System.Diagnostics;
using System.Globalization;
using Tessera.Core.Numerics;
using Tessera.Inference.Bench;
using Tessera.Inference.Esm;
using Tessera.Inference.Kernels;

// ESM-2 throughput benchmark (see ../run.sh). Commands:
//   make DIR [layers hidden heads ffn seed]     write a random-weight HF checkpoint
//   run DIR BATCH LENGTH THREADS REPEATS        print one result line: residues/s and memory
//   gemm M K N THREADS                          GEMM GFLOP/s alone, per SIMD path
//   dump DIR LENGTH OUT.npy                     last hidden state of the benchmark sequence (cross-check with PyTorch)
var culture = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "make":
        RandomCheckpoint.Write(args[1],
            args.Length > 2 ? int.Parse(args[2], culture) : 6,
            args.Length > 3 ? int.Parse(args[3], culture) : 320,
            args.Length > 4 ? int.Parse(args[4], culture) : 20,
            args.Length > 5 ? int.Parse(args[5], culture) : 1280,
            args.Length > 6 ? int.Parse(args[6], culture) : 1);
        return 0;
    case "run":
        return Run(args[1], int.Parse(args[2], culture), int.Parse(args[3], culture), int.Parse(args[4], culture), int.Parse(args[5], culture));
    case "gemm":
        return GemmThroughput(int.Parse(args[1], culture), int.Parse(args[2], culture), int.Parse(args[3], culture), int.Parse(args[4], culture));
    case "dump":
        return Dump(args[1], int.Parse(args[2], culture), args[3]);
    default:
        Console.Error.WriteLine("usage: EsmBench make DIR [layers hidden heads ffn seed] | run DIR BATCH LENGTH THREADS REPEATS | dump DIR LENGTH OUT.npy");
        return 2;
}

static int Run(string directory, int batch, int length, int threadCount, int repeats)
{
    var baseline = ProcessMemory.ResidentBytes();
    var model = EsmModel.Load(directory);
    var tokens = BenchmarkTokens.Batch(batch, length);
    var workspace = new ActivationWorkspace();
    var threads = new ComputeThreads(threadCount);
    // Return loading's transient memory to the OS, then measure from here: the peak below covers
    // the workspace growth, the pooled scratch and the passes, but not the loader.
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    var loaded = ProcessMemory.ResidentBytes();
    ProcessMemory.ResetPeak();
    // Warm-up: JIT tiers, workspace growth, pooled scratch (one pass suffices for the big cells).
    var warmups = batch * length >= 8192 ? 1 : 3;
    for (var i = 0; i < warmups; i++) model.Encoder.Forward(tokens, workspace, threads);
    var times = new double[repeats];
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    for (var r = 0; r < repeats; r++)
    {
        var watch = Stopwatch.StartNew();
        model.Encoder.Forward(tokens, workspace, threads);
        times[r] = watch.Elapsed.TotalSeconds;
    }
    var allocatedPerPass = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / repeats;
    Array.Sort(times);
    var median = times[repeats / 2];
    var weightsBytes = model.Encoder.Weights.ParameterFloats * 4;
    var largestActivation = (long)batch * (length + 2) * Math.Max(model.Config.Intermediate, 3 * model.Config.Hidden) * 4;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"csharp batch={batch} length={length} threads={threadCount} median_s={median:F5} residues_per_s={batch * length / median:F0} " +
        $"peak_rss_mb={ProcessMemory.PeakResidentBytes() / 1048576.0:F1} baseline_rss_mb={baseline / 1048576.0:F1} loaded_rss_mb={loaded / 1048576.0:F1} " +
        $"weights_mb={weightsBytes / 1048576.0:F1} workspace_mb={workspace.HeldFloats * 4 / 1048576.0:F1} largest_activation_mb={largestActivation / 1048576.0:F1} " +
        $"alloc_per_pass_bytes={allocatedPerPass} path={model.Encoder.Path}"));
    return 0;
}

static int Dump(string directory, int length, string output)
{
    var model = EsmModel.Load(directory);
    var tokens = BenchmarkTokens.Batch(1, length);
    var hidden = model.Encoder.Forward(tokens, new ActivationWorkspace(), ComputeThreads.Single);
    Npy.WriteFile(output, hidden, tokens[0].Length, model.Config.Hidden);
    return 0;
}

static unsafe int GemmThroughput(int m, int k, int n, int threadCount)
{
    var random = new Random(1);
    var a = new float[m * k];
    var weights = new float[n * k];
    var c = new float[m * n];
    for (var i = 0; i < a.Length; i++) a[i] = (float)random.NextDouble() - 0.5f;
    for (var i = 0; i < weights.Length; i++) weights[i] = (float)random.NextDouble() - 0.5f;
    var packed = PackedMatrix.FromOutputMajor(weights, n, k);
    var threads = new ComputeThreads(threadCount);
    foreach (var path in new[] { SimdPath.Vector256, SimdPath.Scalar })
    {
        fixed (float* pa = a, pc = c)
        {
            var operands = new Gemm.Operands(pa, k, m, k, packed.Pointer, n, pc, n, null);
            var repeats = path == SimdPath.Scalar ? 3 : 30;
            for (var i = 0; i < 3; i++) Gemm.Multiply(operands, GemmEpilogue.None, path, threads);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) Gemm.Multiply(operands, GemmEpilogue.None, path, threads);
            var seconds = watch.Elapsed.TotalSeconds / repeats;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm {m}x{k}x{n} {path}: {2.0 * m * k * n / seconds / 1e9:F1} GFLOP/s"));
        }
    }
    return 0;
}
