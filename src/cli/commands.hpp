#pragma once

namespace cli {

// Dispatch to the subcommand named by argv[1] and return the process's exit
// code; every failure is printed as one "pulse-agent: error: ..." line.
int main(int argc, char** argv);

} // namespace cli
