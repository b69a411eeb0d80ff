using System.Text.RegularExpressions;
using Qrng.Cli;
using Xunit;

namespace Qrng.Host.Tests
{
    /// <summary>What the README says about `qrng` is what the tool does.</summary>
    public class ReadmeTests
    {
        private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

        /// <summary>Every `./qrng` command with options in the README (in code blocks and inline code).</summary>
        public static TheoryData<string> Commands()
        {
            var data = new TheoryData<string>();
            foreach (Match m in Regex.Matches(Readme, @"\./qrng [^`\n]*"))
            {
                string command = Regex.Split(m.Value, @"&&|\||#|;")[0].Trim();
                if (command.Contains(" -") && !data.Any(r => (string)r.Data == command))
                {
                    data.Add(command);
                }
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(Commands))]
        public void Every_qrng_command_in_the_readme_parses(string command)
        {
            string[] args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            var result = QrngCli.Root().Parse(args);
            Assert.True(result.Errors.Count == 0, command + ": " + string.Join("; ", result.Errors.Select(e => e.Message)));
        }

        [Fact]
        public void The_readme_reads_the_board_on_the_usb_uart_adapter_not_the_debug_port()
        {
            Assert.Contains("--port /dev/ttyUSB1", Readme);
            Assert.DoesNotMatch(@"qrng stream[^\n`]*--port /dev/ttyUSB0", Readme);
        }

        [Fact]
        public void The_readme_gives_the_stream_give_up_count_the_tool_uses()
        {
            var config = new Qrng.Firmware.FirmwareConfig();
            var board = new Qrng.VirtualBoard.Board(config, new Qrng.VirtualBoard.StreamSink(Stream.Null, 0), 1);
            long frames = StreamCommand.GiveUpFrames(config, board.Engine);
            Assert.Contains($"{frames / 1000} {frames % 1000:000} frames with", Regex.Replace(Readme, @"\s+", " "));
        }

        [Fact]
        public void The_readme_and_the_help_list_every_exit_code()
        {
            var (_, help, _) = QrngCliTests.Qrng("--help");
            foreach (var (code, meaning) in QrngCli.ExitCodes)
            {
                Assert.Matches($@"\| {code} \| ", Readme);
                Assert.Contains($"{code} {meaning}", Regex.Replace(help, @"\s+", " "));
            }

            // and no code the tool does not use
            int[] documented = [.. Regex.Matches(Readme, @"^\| ([0-9]+) \| ", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value))];
            Assert.Equal(QrngCli.ExitCodes.Select(e => e.Code).Order(), documented.Order());
        }
    }
}
