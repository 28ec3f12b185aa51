using Tessera.Core.Errors;

namespace Tessera.Cli.Commands.Index;

/// <summary>
/// Turns an error the user can act on into one line on stderr and exit code 1. System.CommandLine's default
/// exception handler would otherwise catch it first and print a stack trace.
/// </summary>
internal static class IndexCommandErrors
{
    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (TesseraException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
