// Small pieces of the model: names, commands, hints, the seed's command words.
#include "cli/cli.hpp"
#include "engine/model/diagnostics.hpp"
#include "engine/model/model.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("model: the seed's table of instance-type defaults") {
    auto row = [](InstanceType t) {
        Switches s = type_defaults(t);
        return std::vector<bool>{s.linked, s.publish_ports, s.persistent_data, s.persistent_opt, s.persistent_log};
    };
    CHECK(row(InstanceType::Standard) == std::vector<bool>{true, false, false, false, true});
    CHECK(row(InstanceType::Published) == std::vector<bool>{true, true, false, false, false});
    CHECK(row(InstanceType::Master) == std::vector<bool>{true, true, true, false, false});
    CHECK(row(InstanceType::Interactive) == std::vector<bool>{true, false, false, false, false});
    CHECK(row(InstanceType::Safemode) == std::vector<bool>{false, false, false, false, false});
    CHECK(type_for_instance_name("master") == InstanceType::Master);
    CHECK(type_for_instance_name("masters") == InstanceType::Standard);
}

TEST_CASE("model: names, variable names and host names") {
    CHECK(valid_name("web"));
    CHECK(valid_name("9lives_a-b"));
    CHECK_FALSE(valid_name(""));
    CHECK_FALSE(valid_name("-web"));
    CHECK_FALSE(valid_name("Web"));
    CHECK_FALSE(valid_name("web.one"));
    CHECK(valid_env_name("_A1"));
    CHECK_FALSE(valid_env_name("1A"));
    CHECK_FALSE(valid_env_name("A-B"));
    CHECK(valid_hostname("web-one.example"));
    CHECK_FALSE(valid_hostname("web_one"));
    CHECK_FALSE(valid_hostname("-web"));
    CHECK_FALSE(valid_hostname(std::string(64, 'a')));
    CHECK(valid_hostname(std::string(63, 'a')));
}

TEST_CASE("model: a command string is split like a shell would, without running one") {
    CHECK(*split_command("supervisord -n") == std::vector<std::string>{"supervisord", "-n"});
    CHECK(*split_command("sh -c 'echo a  b' \"x\\\"y\" z\\ w") ==
          std::vector<std::string>{"sh", "-c", "echo a  b", "x\"y", "z w"});
    CHECK(*split_command("a ''") == std::vector<std::string>{"a", ""});
    CHECK_FALSE(split_command("sh -c 'oops"));
}

TEST_CASE("diagnostics: hints name the nearest word, or list the known ones") {
    CHECK(suggest("buld_args", {"path", "build_args"}) == "did you mean 'build_args'?");
    CHECK(suggest("zzz", {"b", "a"}, "known keys") == "known keys: a, b");
    CHECK(suggest("zzz", {}) == "");
    CHECK(edit_distance("kitten", "sitting") == 3);
    Diagnostic d{Severity::Warning, {"f.toml", 3, 4}, "m", "h"};
    CHECK(format(d) == "f.toml:3:4: warning: m (h)");
    CHECK(format({Severity::Error, {"f.toml", 0, 0}, "m", ""}) == "f.toml: m");
}

TEST_CASE("diagnostics: a position's file name is kept once and shared, and sorts by its text") {
    std::string made = "dir/";
    made += "dockerops.toml";   // a name built at run time, not a literal
    const SourceName a(made), b("dir/dockerops.toml"), c("a.toml");
    CHECK(&a.str() == &b.str());   // one copy of the name, whichever string it came from
    CHECK(a == b);
    CHECK_FALSE(a == c);
    CHECK(a.str() == "dir/dockerops.toml");
    const SourcePos p{a, 1, 2};
    const SourcePos q = p;
    CHECK(&q.file.str() == &a.str());   // copied, a position allocates nothing for its name
    CHECK(SourceName().empty());
    CHECK(&SourceName().str() == &SourceName("").str());
    Diagnostics ds;
    ds.error({"z.toml", 1, 1}, "third");
    ds.error({a, 9, 1}, "second");
    ds.error({c, 5, 1}, "first");
    ds.error({"dir/dockerops.toml", 2, 1}, "second, earlier line");
    std::vector<std::string> order;
    for (const auto& d : ds.sorted()) order.push_back(format(d));
    CHECK(order == std::vector<std::string>{"a.toml:5:1: first", "dir/dockerops.toml:2:1: second, earlier line",
                                            "dir/dockerops.toml:9:1: second", "z.toml:1:1: third"});
}

TEST_CASE("cli: the seed's command words become ordinary arguments") {
    using cli::translate_seed_words;
    using V = std::vector<std::string>;
    CHECK(translate_seed_words({"build:all"}) == V{"build", "all"});
    CHECK(translate_seed_words({"run:all"}) == V{"run", "all"});
    CHECK(translate_seed_words({"ssh:demo"}) == V{"ssh", "demo"});
    CHECK(translate_seed_words({"clean:all"}) == V{"clean", "all"});
    CHECK(translate_seed_words({"build:all,progress=True"}) == V{"build", "all", "--progress", "plain"});
    CHECK(translate_seed_words({"run:demo,instance=one,persistent_data=True"}) ==
          V{"run", "demo", "--instance", "one", "--set", "persistent_data=True"});
    CHECK(translate_seed_words({"run:demo,instance_type=master", "--yes"}) ==
          V{"run", "demo", "--type", "master", "--yes"});
    CHECK(translate_seed_words({"plan", "web.one"}) == V{"plan", "web.one"});
}

TEST_CASE("model: find_instance follows the list through additions, copies and many instances") {
    Project p;
    for (int i = 0; i < 5000; ++i) {
        Instance inst;
        inst.container = i % 2 ? "web" : "web-a";   // '-' sorts before '.': no order is assumed
        inst.name = "n" + std::to_string(i);
        p.instances.push_back(inst);
    }
    REQUIRE(p.find_instance("web.n4999"));
    CHECK(p.find_instance("web.n4999")->name == "n4999");
    CHECK(p.find_instance("web-a.n4998"));
    CHECK_FALSE(p.find_instance("web.n4998"));
    CHECK_FALSE(p.find_instance("web"));
    Instance more;
    more.container = "db";
    more.name = "one";
    p.instances.push_back(more);   // added after a lookup
    CHECK(p.find_instance("db.one") == &p.instances.back());
    p.instances[0].name = "renamed";   // renamed in place after a lookup: its old id is not found any more
    CHECK_FALSE(p.find_instance("web-a.n0"));
    Project copy = p;   // a copy looks up in its own list
    CHECK(copy.find_instance("db.one") == &copy.instances.back());
}
