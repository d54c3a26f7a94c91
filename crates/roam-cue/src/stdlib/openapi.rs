//! Package `encoding/openapi`: the configuration definitions only
//! (`MarshalSchema` needs schema introspection, which builtins over
//! [`super::Val`] cannot do; it is not provided).

use super::Package;

pub static PACKAGE: Package = Package {
    path: "encoding/openapi",
    funcs: &[],
    consts: &[],
    cue: r#"{
	#Config: {
		version!:         "3.0.0"
		info?:            #Info
		selfContained:    bool | *false
		expandReferences: bool | *false
	}
	#Info: {
		title!:          string
		version!:        string
		summary?:        string
		description?:    string
		termsOfService?: string
		contact?:        #Contact
		license?:        #License
	}
	#Contact: {
		name?:  string
		url?:   string
		email?: string
	}
	#License: {
		name!: string
		url?:  string
	}
}"#,
};
