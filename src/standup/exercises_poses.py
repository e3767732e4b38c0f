"""The pose of every built-in exercise, keyed by id, for the pictures in data/pictures.

Angles follow `exercises_figure`: the figure faces right; `lean` tips the trunk forward; hip and
shoulder flexion swing a limb forward of the trunk's line, knee flexion brings the heel back,
ankle plantarflexion points the toes. "near" limbs are drawn dark, "far" ones grey. A ghost is
the other end of a movement, drawn faint; the mark is the muscle that works or stretches.
"""

from __future__ import annotations

from standup.exercises_figure import Arm, Leg, Pose, Prop

STAND = Leg(hip=0, knee=4)
HANG = Arm(shoulder=8, elbow=10)
SIT = Leg(hip=90, knee=90)

# Long split stance: front knee bent over the foot, back leg long with the heel up.
_SPLIT_FRONT = Leg(hip=30, knee=30)
_SPLIT_BACK = Leg(hip=-34, knee=8, ankle=50)

POSES: dict[str, Pose] = {
    "split-stance-hip-flexor-stretch": Pose(
        near_leg=_SPLIT_FRONT,
        far_leg=_SPLIT_BACK,
        near_arm=HANG,
        far_arm=HANG,
        mark=(("far", "front_hip"),),
    ),
    "chair-supported-lunge-stretch": Pose(
        near_leg=_SPLIT_FRONT,
        far_leg=_SPLIT_BACK,
        near_arm=Arm(shoulder=55, elbow=20),
        far_arm=Arm(shoulder=55, elbow=20),
        props=(Prop("chair", at="near_hand"),),
        mark=(("far", "front_hip"),),
    ),
    "standing-quad-hip-flexor-stretch": Pose(
        near_leg=Leg(hip=-12, knee=150, ankle=30),
        far_leg=STAND,
        near_arm=Arm(shoulder=-38, elbow=0),
        far_arm=Arm(shoulder=52, elbow=25),
        props=(Prop("desk", at="far_hand"),),
        mark=(("near", "front_thigh"),),
    ),
    "seated-hip-flexor-stretch": Pose(
        near_leg=Leg(hip=-38, knee=60, ankle=40),
        far_leg=SIT,
        near_arm=Arm(shoulder=-15, elbow=15),
        far_arm=Arm(shoulder=20, elbow=50),
        props=(Prop("chair", at="pelvis"),),
        mark=(("near", "front_hip"),),
    ),
    "half-kneeling-hip-flexor-stretch": Pose(
        near_leg=Leg(hip=84, knee=84),
        far_leg=Leg(hip=-12, knee=78, ankle=75),
        near_arm=HANG,
        far_arm=HANG,
        props=(Prop("mat", at="far_knee"),),
        mark=(("far", "front_hip"),),
    ),
    "couch-stretch": Pose(
        lean=-6,
        near_leg=Leg(hip=74, knee=78),
        far_leg=Leg(hip=-24, knee=150, ankle=30),
        near_arm=Arm(shoulder=30, elbow=60),
        far_arm=HANG,
        props=(Prop("sofa", at="far_knee"), Prop("mat", at="far_knee")),
        mark=(("far", "front_thigh"),),
    ),
    "supine-hip-flexor-stretch": Pose(
        lean=-90,
        near_leg=Leg(hip=125, knee=130),
        far_leg=Leg(hip=-35, knee=70),
        near_arm=Arm(shoulder=60, elbow=80),
        far_arm=Arm(shoulder=10, elbow=0),
        props=(Prop("bed", at="pelvis"),),
        mark=(("far", "front_hip"),),
    ),
    "standing-pelvic-tilts": Pose(
        lean=-4,
        near_leg=Leg(hip=4, knee=14),
        far_leg=Leg(hip=4, knee=14),
        near_arm=Arm(shoulder=-30, elbow=110),
        far_arm=Arm(shoulder=-30, elbow=110),
        arrow=("pelvis", "tilt"),
        mark=(("near", "glute"),),
    ),
    "lunge-rocks": Pose(
        near_leg=Leg(hip=30, knee=60),
        far_leg=Leg(hip=-30, knee=10, ankle=46),
        near_arm=Arm(shoulder=52, elbow=25),
        far_arm=Arm(shoulder=52, elbow=25),
        props=(Prop("desk", at="near_hand"),),
        arrow=("pelvis", "rock"),
        mark=(("far", "front_hip"),),
    ),
    "standing-knee-raise": Pose(
        near_leg=Leg(hip=90, knee=90),
        far_leg=STAND,
        near_arm=HANG,
        far_arm=Arm(shoulder=52, elbow=25),
        props=(Prop("desk", at="far_hand"),),
        ghost=Pose(near_leg=STAND, far_leg=STAND),
        mark=(("near", "front_hip"),),
    ),
    "seated-knee-lift": Pose(
        near_leg=Leg(hip=102, knee=92),
        far_leg=SIT,
        near_arm=Arm(shoulder=15, elbow=40),
        far_arm=Arm(shoulder=15, elbow=40),
        props=(Prop("chair", at="pelvis"),),
        ghost=Pose(near_leg=SIT, far_leg=SIT),
        ghost_at="far_heel",
        mark=(("near", "front_hip"),),
    ),
    "supine-hamstring-stretch": Pose(
        lean=-90,
        near_leg=Leg(hip=80, knee=8, ankle=-10),
        far_leg=Leg(hip=45, knee=95),
        near_arm=Arm(shoulder=50, elbow=0),
        far_arm=Arm(shoulder=50, elbow=0),
        props=(Prop("strap", at="near_hand"),),
        mark=(("near", "back_thigh"),),
    ),
    "standing-hamstring-step-stretch": Pose(
        lean=28,
        near_leg=Leg(hip=80, knee=0, ankle=-20),
        far_leg=Leg(hip=28, knee=4),
        near_arm=Arm(shoulder=40, elbow=10),
        far_arm=Arm(shoulder=40, elbow=10),
        props=(Prop("step", at="near_heel"),),
        mark=(("near", "back_thigh"),),
    ),
    "seated-hamstring-stretch": Pose(
        lean=28,
        near_leg=Leg(hip=89, knee=0, ankle=-25),
        far_leg=Leg(hip=118, knee=90),
        near_arm=Arm(shoulder=40, elbow=10),
        far_arm=Arm(shoulder=40, elbow=10),
        props=(Prop("chair", at="pelvis"),),
        mark=(("near", "back_thigh"),),
    ),
    "desk-hinge-hamstring-stretch": Pose(
        lean=88,
        near_leg=Leg(hip=86, knee=4),
        far_leg=Leg(hip=86, knee=4),
        near_arm=Arm(shoulder=170, elbow=0),
        far_arm=Arm(shoulder=170, elbow=0),
        props=(Prop("desk", at="near_hand"),),
        mark=(("near", "back_thigh"),),
    ),
    "prone-leg-curl": Pose(
        lean=90,
        near_leg=Leg(hip=0, knee=95),
        far_leg=Leg(hip=0, knee=0, ankle=60),
        head_tilt=-20,
        near_arm=Arm(shoulder=0, elbow=0),
        far_arm=Arm(shoulder=0, elbow=0),
        ghost=Pose(lean=90, head_tilt=-20, near_leg=Leg(hip=0, knee=0, ankle=60)),
        ghost_at="pelvis",
        mark=(("near", "back_thigh"),),
    ),
    "machine-leg-curl": Pose(
        near_leg=Leg(hip=90, knee=110),
        far_leg=Leg(hip=90, knee=110),
        near_arm=Arm(shoulder=20, elbow=40),
        far_arm=Arm(shoulder=20, elbow=40),
        props=(Prop("chair", at="pelvis"),),
        ghost=Pose(near_leg=Leg(hip=90, knee=25), far_leg=Leg(hip=90, knee=25)),
        ghost_at="pelvis",
        mark=(("near", "back_thigh"),),
    ),
    "swiss-ball-curl": Pose(
        lean=-100,
        head_tilt=10,  # the head rests on the floor
        near_leg=Leg(hip=30, knee=45, ankle=-10),
        far_leg=Leg(hip=30, knee=45, ankle=-10),
        near_arm=Arm(shoulder=-10, elbow=0),
        far_arm=Arm(shoulder=-10, elbow=0),
        props=(Prop("ball", at="near_heel"),),
        mark=(("near", "back_thigh"),),
    ),
    "romanian-deadlift": Pose(
        lean=62,
        near_leg=Leg(hip=58, knee=14),
        far_leg=Leg(hip=58, knee=14),
        near_arm=Arm(shoulder=62, elbow=0),
        far_arm=Arm(shoulder=62, elbow=0),
        props=(Prop("weight", at="near_hand"),),
        mark=(("near", "back_thigh"),),
    ),
    "single-leg-deadlift": Pose(
        lean=75,
        near_leg=Leg(hip=-18, knee=4, ankle=20),
        far_leg=Leg(hip=70, knee=12),
        near_arm=Arm(shoulder=75, elbow=0),
        far_arm=Arm(shoulder=110, elbow=10),
        props=(Prop("desk", at="far_hand"),),
        mark=(("far", "back_thigh"),),
    ),
    "glute-bridge": Pose(
        lean=-112,
        head_tilt=22,  # the head rests on the floor
        near_leg=Leg(hip=0, knee=112),
        far_leg=Leg(hip=0, knee=112),
        near_arm=Arm(shoulder=-12, elbow=0),
        far_arm=Arm(shoulder=-12, elbow=0),
        mark=(("near", "glute"), ("near", "back_thigh")),
    ),
    "standing-leg-curl": Pose(
        near_leg=Leg(hip=-4, knee=95),
        far_leg=STAND,
        near_arm=HANG,
        far_arm=Arm(shoulder=52, elbow=25),
        props=(Prop("desk", at="far_hand"),),
        ghost=Pose(near_leg=STAND, far_leg=STAND),
        mark=(("near", "back_thigh"),),
    ),
    "leg-swings": Pose(
        near_leg=Leg(hip=45, knee=6),
        far_leg=STAND,
        near_arm=HANG,
        far_arm=Arm(shoulder=52, elbow=25),
        props=(Prop("desk", at="far_hand"),),
        ghost=Pose(near_leg=Leg(hip=-30, knee=8), far_leg=STAND),
        mark=(("near", "back_thigh"),),
    ),
    "good-morning-hinge": Pose(
        lean=60,
        near_leg=Leg(hip=56, knee=12),
        far_leg=Leg(hip=56, knee=12),
        near_arm=Arm(shoulder=40, elbow=0),
        far_arm=Arm(shoulder=40, elbow=0),
        mark=(("near", "back_thigh"),),
    ),
}
