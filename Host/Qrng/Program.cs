using System.CommandLine;
using System.Globalization;
using Qrng.Cli;

// Numbers in output and files always use '.' decimals, whatever the user's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var root = new RootCommand("qrng: host tool for the ESP32 quantum random number generator");
root.Subcommands.Add(StreamCommand.Build());
root.Subcommands.Add(ModelCommands.Build());
root.Subcommands.Add(AssessCommand.Build());
return root.Parse(args).Invoke();
