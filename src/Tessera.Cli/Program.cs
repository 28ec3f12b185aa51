using Tessera.Cli;

return await TesseraCli.RunAsync(args).ConfigureAwait(false);
