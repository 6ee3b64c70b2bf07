#pragma once
// A project on disk (the "shop": base, web and db, db linked from web.one)
// planned against the in-memory engine, and applied there by the executor.
#include "cli/ops/steps.hpp"
#include "engine/apply/executor.hpp"
#include "engine/desired/context.hpp"
#include "engine/desired/desired.hpp"
#include "engine/desired/graph.hpp"
#include "engine/model/secrets.hpp"
#include "engine/model/spec_hash.hpp"
#include "planner/plan.hpp"
#include "tests/fake_engine.hpp"
#include "tests/support.hpp"
#include "util/hash.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <optional>

namespace dockerops::test {

inline const char* kShop = R"([project]
name = "shop"
[containers.base]
[containers.web]
[containers.db]

[[instances]]
container = "db"
name = "master"
env = { DB_NAME = "app" }

[[instances]]
container = "web"
name = "one"
links = ["db-master:DB"]
env = { API_URL = "http://api.example" }

[[instances]]
container = "web"
name = "two"
group = "front"
)";

class Scenario {
public:
    explicit Scenario(const std::string& toml = kShop) {
        dir.write("containers/base/Dockerfile", "FROM dockerops/busybox:latest\n");
        dir.write("containers/web/Dockerfile", "FROM shop/base\nEXPOSE 8080\n");
        dir.write("containers/db/Dockerfile", "FROM shop/base:latest\nEXPOSE 5432\n");
        config(toml);
    }
    void config(const std::string& toml) { dir.write("dockerops.toml", toml); }

    Environment env() const {
        Environment e;
        e.getenv = [this](const std::string& k) -> std::optional<std::string> {
            auto it = vars.find(k);
            return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        e.interface_address = [](const std::string& i) -> std::optional<std::string> {
            if (i == "eth0") return std::string("192.0.2.10");
            return std::nullopt;
        };
        e.secret_key = [this] { return ops::project_secret_key(dir.path(), dir.path() / "data"); };
        e.secrets = &secrets;
        e.secrets_root = dir.path() / "run-secrets";
        return e;
    }
    // The project read, compiled and its graph built, as a command does before it observes.
    struct Compiled {
        DesiredState d;
        std::optional<DesiredGraph> g;
    };
    std::unique_ptr<Compiled> compiled() {
        auto c = std::make_unique<Compiled>();
        auto r = load_project(dir.path());
        REQUIRE(r.ok());
        auto d = compile(*r.project, env());
        REQUIRE(d);
        c->d = std::move(*d);
        auto g = DesiredGraph::build(c->d);
        REQUIRE(g);
        c->g.emplace(std::move(*g));
        return c;
    }
    bool no_deps = false, force_recreate = false;   // as apply --no-deps / --force-recreate set them
    std::string home;                               // where it is planned from (apply sets it)
    Result<Plan> plan(PlanOptions o = {}) {
        auto r = load_project(dir.path());
        if (!r.ok()) FAIL(format(r.diagnostics.items().at(0)));
        auto d = compile(*r.project, env());
        if (!d) return d.error();
        d->no_deps = no_deps;
        d->force_recreate = force_recreate;
        d->home = home;
        auto g = DesiredGraph::build(*d);
        if (!g) return g.error();
        FakeEngine e(state);
        auto obs = e.observe(d->project);
        return make_plan(*d, *g, *obs, o);
    }
    std::string text(PlanOptions o = {}) {
        auto p = plan(std::move(o));
        if (!p) FAIL(p.error().text());
        return render_text(*p);
    }
    ExecReport apply() {
        auto p = plan();
        if (!p) FAIL(p.error().text());
        ExecReport rep = execute(*p, dockerops::test::fake_factory(state), {});
        CHECK(rep.ok());
        return rep;
    }
    ObservedContainer& container(const std::string& name) {
        auto* c = state->by_name(name);
        REQUIRE(c);
        return *c;
    }

    TempDir dir;
    std::shared_ptr<FakeState> state = std::make_shared<FakeState>();
    std::map<std::string, std::string> vars;
    mutable Redactor secrets;
};

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}

}  // namespace dockerops::test

// The names every planner test uses.
using namespace dockerops;
using dockerops::test::FakeEngine;
using dockerops::test::FakeState;
using dockerops::test::Scenario;
