using System.Globalization;
using Qrng.Cli;

// Numbers in output and files always use '.' decimals, whatever the user's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

return QrngCli.Run(args);
