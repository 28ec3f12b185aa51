using System.CommandLine;
using Tessera.Inference.Whisper;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Models;

/// <summary>
/// <c>tessera models import-whisper FILE [--name NAME] [--data-dir DIR]</c>: checks a whisper.cpp ggml model (f16)
/// and copies it atomically into <c>&lt;data_dir&gt;/models/whisper/NAME.bin</c> with its sha256 beside it, where
/// the Guides worker finds it (with <c>guides:recognizer</c> auto or whisper).
/// </summary>
internal static class ImportWhisperCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("ggml-file") { Description = "A whisper.cpp model in ggml format with f16 weights (e.g. ggml-base.en.bin)." };
        var name = new Option<string?>("--name") { Description = "The name to install it under (default: the file name without its extension); guides:whisper_model picks by this name." };
        var dataDir = new Option<string?>("--data-dir") { Description = $"The deployment's data folder (default {TesseraConfiguration.DefaultDataDir}, or TESSERA__DATA_DIR)." };
        var command = new Command("import-whisper",
            "Check a whisper.cpp ggml model and install it into <data-dir>/models/whisper, where the Guides worker transcribes narrations with it. " +
            "A file whisper.cpp would crash on (not f16, truncated, a tensor or vocabulary it does not expect) is refused and nothing is copied.");
        command.Arguments.Add(file);
        command.Options.Add(name);
        command.Options.Add(dataDir);
        command.SetAction((parse, _) =>
        {
            var configuration = TesseraConfiguration.Build(new Dictionary<string, string?> { [TesseraSettings.DataDirKey] = parse.GetValue(dataDir) });
            var store = WhisperModelStore.ForDataDir(Path.GetFullPath(configuration[TesseraSettings.DataDirKey]!));
            var installed = store.Import(parse.GetValue(file)!, parse.GetValue(name));
            var h = installed.Summary.Hyperparameters;
            Console.WriteLine($"imported: {installed.Path}");
            Console.WriteLine($"name: {installed.Name}");
            Console.WriteLine($"sha256: {installed.Sha256}");
            Console.WriteLine($"model: {h.Size}, {(h.Multilingual ? "multilingual" : "English only")}, f16, {h.AudioLayers}+{h.TextLayers} layers, width {h.AudioState}, {installed.Summary.Tensors} tensors");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
