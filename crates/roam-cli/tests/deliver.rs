//! `roam install`, `up --wait`, `status`, `ls`, `delete --wait` against a
//! `roam local` server (controller and simulator in its process).

mod common;

use std::path::Path;

use common::{Local, text};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn install_up_status_ls_delete() {
    let local = Local::start();

    // install: CRDs (already there in roam local) and built-in definitions.
    let o = local.roam(&["install"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(
            "customresourcedefinition.apiextensions.k8s.io/applications.core.oam.dev unchanged"
        ),
        "{out}"
    );
    assert!(
        out.contains("componentdefinition.core.oam.dev/webservice created"),
        "{out}"
    );
    assert!(
        out.contains("traitdefinition.core.oam.dev/scaler created"),
        "{out}"
    );
    let o = local.roam(&["install"]);
    assert!(
        text(&o).contains("componentdefinition.core.oam.dev/webservice unchanged"),
        "{}",
        text(&o)
    );

    // up --wait: the dependency first, then the frontend; exit 0 when running.
    let o = local.roam(&[
        "up",
        "-f",
        &example("shop.yaml"),
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("application.core.oam.dev/shop created"),
        "{out}"
    );
    assert!(out.contains("✅ application shop is running"), "{out}");

    let o = local.roam(&["status", "shop"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("Healthy:   \t✅"), "{out}");
    assert!(out.contains("Details:   \trunning"), "{out}");
    assert!(out.contains("mode: DAG-DAG"), "{out}");
    assert!(
        out.contains("    name: frontend\n    type: apply-component\n    phase: succeeded \n"),
        "{out}"
    );
    assert!(out.contains("  - Name: catalog  \n    Cluster: local\n    Namespace: default\n    Type: webservice\n    Health: ✅"), "{out}");

    let o = local.roam(&["status", "shop", "--tree"]);
    let out = text(&o);
    assert!(
        out.contains("Deployment/frontend") && out.contains("Service/catalog"),
        "{out}"
    );
    assert!(out.contains("updated"), "{out}");
    assert!(out.contains("Ready: 2/2"), "{out}");

    let o = local.roam(&["status", "shop", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["status"]["status"], "running");
    assert_eq!(v["status"]["latestRevision"]["name"], "shop-v1");

    let o = local.roam(&["ls"]);
    let out = text(&o);
    assert!(out.contains("APP") && out.contains("CREATED-TIME"), "{out}");
    assert!(
        out.contains("shop") && out.contains("frontend") && out.contains("scaler,labels,env"),
        "{out}"
    );
    assert!(out.contains("└─") && out.contains("running"), "{out}");

    // A bad app: --wait fails fast with the reason, exit 1.
    let bad = local.dir().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: bad\nspec:\n  components:\n    - name: w\n      type: webservice\n      properties:\n        image: x\n        cpu: 3\n",
    )
    .unwrap();
    let o = local.roam(&[
        "up",
        "-f",
        bad.to_str().unwrap(),
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("components[0].properties.cpu"),
        "{}",
        text(&o)
    );

    let o = local.roam(&["delete", "shop", "--wait", "--timeout", "60s"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("everything it created are gone"),
        "{}",
        text(&o)
    );
    let o = local.roam(&["status", "shop"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("application \"shop\" not found in namespace default"),
        "{}",
        text(&o)
    );
}
