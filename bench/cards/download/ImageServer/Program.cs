// The download benchmark's image host: Kestrel's static-file middleware over a folder on a loopback port, with
// ETag, Last-Modified and 304 answers like a CDN's. Usage: ImageServer FOLDER PORT_FILE; it writes the port it got
// to PORT_FILE once it listens, and serves until it is stopped.
using Microsoft.Extensions.FileProviders;

if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: ImageServer FOLDER PORT_FILE");
    return 2;
}
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(Path.GetFullPath(args[0])) });
await app.StartAsync();
var address = new Uri(app.Urls.Single());
await File.WriteAllTextAsync(args[1], address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
await app.WaitForShutdownAsync();
return 0;
