using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Cli.Hosting;
using Tessera.Core.Blobs;
using Tessera.Core.Errors;

namespace Tessera.Cli.Commands.Blob;

internal static class BlobCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("blob", "Work with the content-addressed blob store.");
        command.Subcommands.Add(CreatePut(host));
        return command;
    }

    private static Command CreatePut(CliHost host)
    {
        var data = new DataOptions();
        var file = new Argument<string>("file") { Description = "File to store, or '-' for standard input." };
        var command = new Command("put", "Store a file (streamed, atomic) and print its sha256 and size.");
        data.AddTo(command);
        command.Arguments.Add(file);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            await using var services = host.Build(data.Flags(parse));
            var blobs = services.GetRequiredService<IBlobStore>();
            await using var input = path == "-" ? Console.OpenStandardInput() : OpenInput(path);
            var blob = await blobs.PutAsync(input, ct).ConfigureAwait(false);
            Console.WriteLine($"{blob.Sha256} {blob.Size}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static FileStream OpenInput(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw TesseraException.Validation($"No such file: {path}");
}
