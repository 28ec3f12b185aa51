using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Cards;
using Tessera.Cards.Catalog;
using Tessera.Cards.Download;
using Tessera.Cards.Embedding;
using Tessera.Cards.Identify;
using Tessera.Cards.Index;
using Tessera.Cards.Storage;
using Tessera.Core.Identity;
using Tessera.Data;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Testing;
using Tessera.Vectors.Collections;
using Tessera.Vectors.Management;

// The Cards pipeline end to end on generated cards (never real card art): a catalog of N cards served on loopback,
// every tenth pair sharing its art (two printings of one card, told apart by frame, set and number), downloaded,
// embedded with ResNet18, indexed, then P generated phone photos (perspective, rotation, blur, glare, clutter)
// identified one at a time. Prints embedding images/s and identify accuracy and latency; run it pinned to one core
// (run.sh does) for per-core figures.
//   IdentifyBench [catalog cards] [photos] [output folder for the embedded image list]
var cards = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var photos = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var listFolder = args.Length > 2 ? args[2] : null;

// OpenCV sizes its thread pool by the machine, not the process's CPU affinity: keep it to the cores given.
OpenCvSharp.Cv2.SetNumThreads(Environment.ProcessorCount);
await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
await new MigrationRunner(scratch.Database, [DataModule.Migrations, CardsModule.Schema], TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
var owner = new Principal(Guid.CreateVersion7(), Guid.CreateVersion7(), new HashSet<string>(Permissions.All));
var settings = new CardsSettings { RequestsPerSecond = 1000 };
var files = new ImageFiles(new DataPaths(scratch.DataDir));
var registry = new EmbedderRegistry(PretrainedEmbedders.All());

// Card i: art i, except that every tenth pair shares one art (the second is another printing of the first).
int ArtOf(int card) => card % 20 == 1 ? card - 1 : card;
string NameOf(int card) => $"Card {ArtOf(card)}";
await using var server = await CardImagesServer.StartAsync();
server.Images = path =>
{
    var card = int.Parse(path.Split('/')[^1].Split('.')[0], CultureInfo.InvariantCulture);
    return GeneratedCards.Png(ArtOf(card), printingSeed: card);
};
var catalog = Enumerable.Range(0, cards).Select(i => new Dictionary<string, object>
{
    ["object"] = "card", ["id"] = $"00000000-0000-4000-8000-{i:D12}", ["name"] = NameOf(i), ["lang"] = "en", ["layout"] = "normal",
    ["set"] = i % 20 == 1 ? "alt" : "gen", ["collector_number"] = (i + 1).ToString(CultureInfo.InvariantCulture),
    ["image_uris"] = new Dictionary<string, string> { ["normal"] = new Uri(server.BaseUrl, $"img/normal/{i}.png").AbsoluteUri },
}).ToList();
var bulk = Path.Combine(scratch.DataDir, "bulk.json");
await File.WriteAllTextAsync(bulk, JsonSerializer.Serialize(catalog));

var clock = Stopwatch.StartNew();
await new CatalogImportService(scratch.Database, settings, TimeProvider.System, NullLogger<CatalogImportService>.Instance).ImportAsync(owner, bulk, null, CancellationToken.None);
var downloaded = await new CardsDownloadService(scratch.Database, files, settings, TimeProvider.System, NullLogger<CardsDownloadService>.Instance)
    .DownloadAsync(owner, new DownloadRequest { Workers = 16, RequestsPerSecond = 1000 }, null, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"catalog: {cards} cards imported and {downloaded.Downloaded} images downloaded in {clock.Elapsed.TotalSeconds:0.0} s"));

var embeddings = new CardsEmbeddingService(scratch.Database, files, new CardsEmbedderChoice(registry), TimeProvider.System, NullLogger<CardsEmbeddingService>.Instance);
await registry.GetImageAsync(PretrainedEmbedders.ResNet18); // model load is not embedding time
var embedded = await embeddings.EmbedAsync(owner, new EmbedRequest(), null, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"embed: {embedded.Embedded} images in {embedded.Seconds:0.00} s = {embedded.ImagesPerSecond:0.0} images/s on {Environment.ProcessorCount} core(s) ({embedded.ImagesPerSecond / Environment.ProcessorCount:0.0} per core)"));
if (listFolder is not null)
{
    // The same files, for the other runtime's run of the same ONNX model (run.sh); the scratch folder goes at exit.
    var copies = Directory.CreateDirectory(Path.Combine(listFolder, "images")).FullName;
    var list = new List<string>();
    foreach (var file in Directory.EnumerateFiles(files.Folder(owner.OrgId), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
    {
        var copy = Path.Combine(copies, Path.GetFileName(file));
        File.Copy(file, copy);
        list.Add(copy);
    }
    await File.WriteAllLinesAsync(Path.Combine(listFolder, "images.txt"), list);
}

await using var collection = new VectorCollection(
    CardsIndexService.Collection, new CardsVectorSource(scratch.Database), Path.Combine(scratch.DataDir, "indexes"), NullLogger<VectorIndexManager>.Instance, TimeProvider.System);
var index = new CardsIndexService(scratch.Database, collection, files, registry, TimeProvider.System, NullLogger<CardsIndexService>.Instance);
var manifest = await index.BuildAsync(owner, new BuildRequest(), CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"build: {manifest.IndexVectors} vectors, M {manifest.M}, efConstruction {manifest.EfConstruction}, {manifest.BuildSeconds:0.00} s"));

var identifier = new CardIdentifier(scratch.Database, index, registry, new CardRectifier(), new GeometricVerifier(), files);
var request = new IdentifyRequest { K = 5 };
// Warm-up (JIT, first search, feature cache of a few images), not counted.
for (var w = 0; w < 5; w++) await identifier.IdentifyAsync(owner, CardPhotos.Jpeg(GeneratedCards.Png(ArtOf(w), w), 1_000_000 + w), request, CancellationToken.None);

int top1 = 0, top5 = 0, exact = 0, confident = 0, confidentRight = 0, found = 0, pairs = 0, pairsExact = 0;
var latencies = new List<double>(photos);
var doubts = new Dictionary<string, int>();
var topSimilarities = new List<double>();
var random = new Random(20261206);
for (var p = 0; p < photos; p++)
{
    var card = random.Next(cards);
    var photo = CardPhotos.Jpeg(GeneratedCards.Png(ArtOf(card), card), seed: p);
    var timer = Stopwatch.StartNew();
    var answer = await identifier.IdentifyAsync(owner, photo, request, CancellationToken.None);
    latencies.Add(timer.Elapsed.TotalMilliseconds);
    var wanted = $"00000000-0000-4000-8000-{card:D12}";
    var names = answer.Candidates.Select(c => c.Name).ToList();
    if (names[0] == NameOf(card)) top1++;
    else if (Environment.GetEnvironmentVariable("IDENTIFY_BENCH_MISSES") is { } misses)
    {
        // For looking at what went wrong: the photo and what the rectifier made of it.
        Directory.CreateDirectory(misses);
        await File.WriteAllBytesAsync(Path.Combine(misses, $"{p}-card{card}-photo.jpg"), photo);
        var rectified = new CardRectifier().Rectify(photo);
        await File.WriteAllBytesAsync(Path.Combine(misses, $"{p}-card{card}-rectified.bmp"), rectified.Upright);
        var resnet = await registry.GetImageAsync(PretrainedEmbedders.ResNet18);
        var query = (await resnet.GenerateAsync([new Microsoft.Extensions.AI.DataContent(rectified.Upright, "image/bmp")]))[0].Vector.ToArray();
        await using var c = await scratch.Database.OpenConnectionAsync();
        var stored = await EmbeddingRows.VectorsAsync(c, owner.OrgId, PretrainedEmbedders.ResNet18, embedded.ModelHash, CancellationToken.None);
        var sims = stored.Select(v => (v.CardId, Sim: v.Vector.Zip(query, (a, b) => a * b).Sum())).OrderByDescending(x => x.Sim).ToList();
        var rank = sims.FindIndex(x => x.CardId == wanted);
        Console.WriteLine($"miss {p}: card {card} similarity {sims[rank].Sim:0.000} rank {rank}; best {sims[0].CardId[^4..]} {sims[0].Sim:0.000}; answer {string.Join(", ", answer.Candidates.Select(x => $"{x.Name} {x.Similarity:0.000}/{x.Inliers}"))}");
    }
    if (names.Contains(NameOf(card))) top5++;
    if (answer.Candidates[0].CardId == wanted) exact++;
    if (answer.CardFound) found++;
    topSimilarities.Add(answer.Candidates[0].Similarity);
    if (answer.Doubt is { } doubt)
    {
        var kind = string.Join(' ', doubt.Split(' ').Take(4));
        doubts[kind] = doubts.GetValueOrDefault(kind) + 1;
    }
    if (answer.Confident)
    {
        confident++;
        if (names[0] == NameOf(card)) confidentRight++;
    }
    if (card % 20 <= 1)
    {
        pairs++;
        if (answer.Candidates[0].CardId == wanted) pairsExact++;
    }
}
latencies.Sort();
topSimilarities.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"identify: best similarity p5 {topSimilarities[topSimilarities.Count / 20]:0.000}, median {topSimilarities[topSimilarities.Count / 2]:0.000}; not confident because: {string.Join("; ", doubts.OrderByDescending(d => d.Value).Select(d => $"{d.Key}… {d.Value}"))}"));
double Percentile(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"identify: {photos} photos of {cards} cards: top-1 by name {100.0 * top1 / photos:0.0} %, top-5 by name {100.0 * top5 / photos:0.0} %, exact printing {100.0 * exact / photos:0.0} %"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"identify: same-art printings told apart {pairsExact}/{pairs} ({(pairs == 0 ? 0 : 100.0 * pairsExact / pairs):0.0} %); card outline found {100.0 * found / photos:0.0} %; confident {100.0 * confident / photos:0.0} % of answers, right {(confident == 0 ? 0 : 100.0 * confidentRight / confident):0.0} % of those"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"identify latency on {Environment.ProcessorCount} core(s): median {Percentile(0.5):0.0} ms, p95 {Percentile(0.95):0.0} ms, max {latencies[^1]:0.0} ms"));
